package org.debian.bootc.publisher.service;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.image.OciLayout;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;

/**
 * One small JSON file per OSTree ref ({@code <data-dir>/input-keys/<ref, URL-encoded>.json})
 * saying which input key the ref's last publish had, and what it made: the commit and
 * the image's tag and manifest digest. {@link #decide} says whether a publish with a
 * given key can reuse them: only when the key is the same, the ref still points at that
 * commit and the OCI layout still holds that image. A missing, unreadable or corrupt
 * file means "publish in full" (a corrupt one with a warning), never a failure.
 *
 * <p>A file and not commit metadata: the manifest digest is only known after the commit,
 * and {@code --skip-if-unchanged} keeps a commit whose metadata would then name an older
 * key.
 */
public final class InputKeyRecords {

    private static final Logger LOG = Logger.getLogger(InputKeyRecords.class);
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the ref's last publish was made from and made. */
    public record Entry(String ref, String inputKey, String commit, String tag, String manifestDigest) {
    }

    /**
     * Whether to reuse, and why (or why not), for the log and the result. When
     * {@code reuse} is true, {@code commit} and {@code image} are what the publish made
     * before.
     */
    public record Decision(boolean reuse, String reason, Optional<OstreeCommitPhase.Result> commit,
            Optional<ImagePhase.Result> image) {

        static Decision full(String reason) {
            return new Decision(false, reason, Optional.empty(), Optional.empty());
        }
    }

    private final Path dir;

    public InputKeyRecords(Path dir) {
        this.dir = dir;
    }

    public Path file(String ref) {
        return dir.resolve(URLEncoder.encode(ref, StandardCharsets.UTF_8) + ".json");
    }

    /** Replaces the ref's record (written to a temporary file, then moved over it). */
    public void write(Entry entry) throws IOException {
        Files.createDirectories(dir);
        ObjectNode node = JSON.createObjectNode();
        node.put("ref", entry.ref());
        node.put("inputKey", entry.inputKey());
        node.put("commit", entry.commit());
        node.put("tag", entry.tag());
        node.put("manifestDigest", entry.manifestDigest());
        Path target = file(entry.ref());
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        Files.write(partial, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The ref's record. Empty when there is none; an unreadable or malformed file is
     * logged as a warning and also gives empty, so the publish goes the full way and
     * then writes a good record over it.
     */
    public Optional<Entry> read(String ref) {
        Path file = file(ref);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            Entry entry = new Entry(text(node, "ref"), text(node, "inputKey"), text(node, "commit"), text(node, "tag"),
                    text(node, "manifestDigest"));
            if (!entry.ref().equals(ref)) {
                throw new IOException("ref is \"" + entry.ref() + "\", not " + ref);
            }
            hex("inputKey", entry.inputKey());
            hex("commit", entry.commit());
            if (!entry.manifestDigest().startsWith("sha256:")) {
                throw new IOException("manifestDigest \"" + entry.manifestDigest() + "\" is not a sha256 digest");
            }
            hex("manifestDigest", entry.manifestDigest().substring(7));
            return Optional.of(entry);
        } catch (IOException | RuntimeException e) {
            String why = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            LOG.warnf("input-key record %s is unreadable (%s): ignored, ref %s is published in full", file, why, ref);
            return Optional.empty();
        }
    }

    /**
     * Whether a publish of {@code ref} with {@code inputKey} can reuse the last one.
     *
     * @param refCommit the ref's current commit ({@code ostree rev-parse}), empty if the ref does not exist
     * @param layout the OCI layout the image would be written to
     * @param tag the image's tag
     */
    public Decision decide(String ref, String inputKey, Optional<String> refCommit, OciLayout layout, String tag) {
        Optional<Entry> read = read(ref);
        if (read.isEmpty()) {
            return Decision.full(Files.exists(file(ref)) ? "the input-key record " + file(ref) + " is unreadable"
                    : "no input-key record for ref " + ref);
        }
        Entry entry = read.get();
        if (!entry.inputKey().equals(inputKey)) {
            return Decision.full("the input key changed (last publish " + entry.inputKey() + ")");
        }
        if (!entry.tag().equals(tag)) {
            return Decision.full("the last publish was tagged " + entry.tag() + ", not " + tag);
        }
        if (refCommit.isEmpty()) {
            return Decision.full("ref " + ref + " is no longer in the OSTree repository");
        }
        if (!refCommit.get().equals(entry.commit())) {
            return Decision.full("ref " + ref + " moved to " + refCommit.get() + " (the last publish made "
                    + entry.commit() + ")");
        }
        ImagePhase.Result image;
        try {
            image = ImagePhase.read(layout, tag, entry.manifestDigest());
        } catch (IOException | RuntimeException e) {
            return Decision.full("the image is no longer in the OCI layout: " + e.getMessage());
        }
        return new Decision(true, "input key " + inputKey + " matches ref " + ref + "'s commit " + entry.commit()
                + " and image " + entry.manifestDigest(), Optional.of(new OstreeCommitPhase.Result(ref, entry.commit(),
                        false)), Optional.of(image));
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IOException("field " + field + " is missing or not a string");
        }
        return value.asText();
    }

    private static void hex(String field, String value) throws IOException {
        if (!HEX64.matcher(value).matches()) {
            throw new IOException(field + " \"" + value + "\" is not 64 lowercase hex digits");
        }
    }
}
