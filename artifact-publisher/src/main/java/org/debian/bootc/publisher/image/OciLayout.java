package org.debian.bootc.publisher.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/}) as skopeo and podman read it. Blobs are content-addressed, so
 * an unchanged layer is the same file; {@code index.json} lists one manifest per tag
 * ({@code org.opencontainers.image.ref.name}), the newest last.
 */
public final class OciLayout {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    public OciLayout(Path dir) {
        this.dir = dir;
    }

    /** The layout of {@code repository}'s images under {@code ociRoot}, one directory per repository. */
    public static OciLayout forRepository(Path ociRoot, String repository) {
        return new OciLayout(ociRoot.resolve(repository.replaceAll("[^A-Za-z0-9._-]", "_")));
    }

    public Path dir() {
        return dir;
    }

    public Path blob(String digest) {
        return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /** Moves a written file into the blob store under its digest (an existing blob is kept). */
    public void putBlob(Path file, String digest) throws IOException {
        Path target = blob(digest);
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            Files.delete(file);
        } else {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Stores bytes as a blob and returns its digest. */
    public String putBlob(byte[] bytes) throws IOException {
        String digest = "sha256:" + HexFormat.of().formatHex(TarLayerWriter.sha256().digest(bytes));
        Path target = blob(digest);
        Files.createDirectories(target.getParent());
        if (!Files.exists(target)) {
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            Files.write(partial, bytes);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return digest;
    }

    public byte[] json(Object value) throws IOException {
        return json.writeValueAsBytes(value);
    }

    /** Points {@code tag} at the manifest (replacing the tag's earlier entry) and writes {@code oci-layout}. */
    public void tag(String tag, String manifestDigest, long manifestSize, Map<String, String> annotations)
            throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        List<JsonNode> kept = new ArrayList<>();
        Path index = dir.resolve("index.json");
        if (Files.exists(index)) {
            for (JsonNode m : json.readTree(index.toFile()).path("manifests")) {
                if (!tag.equals(m.path("annotations").path(REF_NAME).asText())) {
                    kept.add(m);
                }
            }
        }
        ObjectNode root = json.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = root.putArray("manifests");
        kept.forEach(manifests::add);
        ObjectNode entry = manifests.addObject();
        entry.put("mediaType", MANIFEST);
        entry.put("digest", manifestDigest);
        entry.put("size", manifestSize);
        ObjectNode entryAnnotations = entry.putObject("annotations");
        Map<String, String> all = new LinkedHashMap<>(annotations);
        all.put(REF_NAME, tag);
        all.forEach(entryAnnotations::put);
        Path partial = dir.resolve("index.json.part");
        Files.write(partial, json.writeValueAsBytes(root));
        Files.move(partial, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The newest manifest in the index whose entry has {@code annotation} = {@code value}. */
    public Optional<JsonNode> newestManifest(String annotation, String value) throws IOException {
        Path index = dir.resolve("index.json");
        if (!Files.exists(index)) {
            return Optional.empty();
        }
        JsonNode found = null;
        for (JsonNode m : json.readTree(index.toFile()).path("manifests")) {
            if (value.equals(m.path("annotations").path(annotation).asText())) {
                found = m;
            }
        }
        if (found == null || !Files.exists(blob(found.path("digest").asText()))) {
            return Optional.empty();
        }
        return Optional.of(json.readTree(blob(found.path("digest").asText()).toFile()));
    }

    /** The manifest digest {@code index.json} gives for {@code tag}, if any. */
    public Optional<String> taggedDigest(String tag) throws IOException {
        Path index = dir.resolve("index.json");
        if (!Files.exists(index)) {
            return Optional.empty();
        }
        String found = null;
        for (JsonNode m : json.readTree(index.toFile()).path("manifests")) {
            if (tag.equals(m.path("annotations").path(REF_NAME).asText())) {
                found = m.path("digest").asText();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The manifest a tag points at. */
    public Optional<JsonNode> manifest(String tag) throws IOException {
        return newestManifest(REF_NAME, tag);
    }
}
