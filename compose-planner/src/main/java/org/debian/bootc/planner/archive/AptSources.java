package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * Reads the {@code deb} entries of a machine's apt configuration the way apt does:
 * {@code etc/apt/sources.list} and {@code etc/apt/sources.list.d/*.list} in the
 * one-line format, {@code etc/apt/sources.list.d/*.sources} in deb822 (stanzas with
 * {@code Enabled: no} are skipped). Files in {@code sources.list.d} are read in name
 * order; files with other extensions are ignored, as apt ignores them.
 */
public final class AptSources {

    private static final Logger LOG = Logger.getLogger(AptSources.class);

    private final Path root;

    /** @param root the file-system root whose {@code etc/apt} is read: {@code /} on a real machine */
    public AptSources(Path root) {
        this.root = root;
    }

    public static AptSources ofMachine() {
        return new AptSources(Path.of("/"));
    }

    /** Every {@code deb} entry, in the order apt reads them. {@code deb-src} entries are left out. */
    public List<AptSource> debEntries() {
        List<AptSource> entries = new ArrayList<>();
        Path main = root.resolve("etc/apt/sources.list");
        if (Files.isRegularFile(main)) {
            entries.addAll(readOneLine(main));
        }
        Path parts = root.resolve("etc/apt/sources.list.d");
        if (Files.isDirectory(parts)) {
            for (Path file : list(parts)) {
                String name = file.getFileName().toString();
                if (name.endsWith(".list")) {
                    entries.addAll(readOneLine(file));
                } else if (name.endsWith(".sources")) {
                    entries.addAll(readDeb822(file));
                }
            }
        }
        return List.copyOf(entries);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    static List<AptSource> readOneLine(Path file) {
        List<AptSource> entries = new ArrayList<>();
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            parseOneLine(line, file, i + 1).ifPresent(entries::add);
        }
        return entries;
    }

    private static Optional<AptSource> parseOneLine(String line, Path file, int lineNumber) {
        String type;
        String rest;
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new ArchiveException.MalformedIndex(file.toString(), lineNumber, "expected 'deb URI suite [component...]'");
        }
        type = line.substring(0, space);
        rest = line.substring(space + 1).strip();
        if (!type.equals("deb")) {
            return Optional.empty();
        }
        Optional<SignedBy> signedBy = Optional.empty();
        List<String> architectures = List.of();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new ArchiveException.MalformedIndex(file.toString(), lineNumber, "options without closing ']'");
            }
            for (String option : rest.substring(1, close).strip().split("\\s+")) {
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = option.substring(0, eq).toLowerCase(Locale.ROOT);
                String value = option.substring(eq + 1);
                if (key.equals("signed-by")) {
                    signedBy = Optional.of(SignedBy.parse(value));
                } else if (key.equals("arch")) {
                    architectures = List.of(value.split(","));
                }
            }
            rest = rest.substring(close + 1).strip();
        }
        String[] words = rest.split("\\s+");
        if (words.length < 2) {
            throw new ArchiveException.MalformedIndex(file.toString(), lineNumber, "expected 'deb URI suite [component...]'");
        }
        Optional<URI> uri = uri(words[0], file, lineNumber);
        if (uri.isEmpty() || words[1].endsWith("/")) {
            // flat repositories ("deb URI dir/") carry no dists/ tree; nothing here can use them
            return Optional.empty();
        }
        List<String> components = List.of(words).subList(2, words.length);
        return Optional.of(new AptSource(uri.get(), List.of(words[1]), components, signedBy, architectures, file));
    }

    static List<AptSource> readDeb822(Path file) {
        List<AptSource> entries = new ArrayList<>();
        for (Deb822.Paragraph stanza : Deb822.parse(String.join("\n", readLines(file)), file.toString())) {
            if (!stanza.words("Types").contains("deb")) {
                continue;
            }
            if (stanza.get("Enabled").map(v -> v.strip().equalsIgnoreCase("no")).orElse(false)) {
                LOG.debugf("%s:%d is disabled", file, stanza.line());
                continue;
            }
            List<String> suites = stanza.words("Suites");
            if (suites.isEmpty() || suites.stream().anyMatch(s -> s.endsWith("/"))) {
                continue;
            }
            Optional<SignedBy> signedBy = stanza.get("Signed-By").map(SignedBy::parse);
            for (String word : stanza.words("URIs")) {
                uri(word, file, stanza.line()).ifPresent(uri -> entries.add(new AptSource(uri, suites,
                        stanza.words("Components"), signedBy, stanza.words("Architectures"), file)));
            }
        }
        return entries;
    }

    /** Only schemes this planner can fetch from; apt's others (cdrom:, tor+http:, mirror+file:) are skipped. */
    private static Optional<URI> uri(String text, Path file, long line) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("http") || scheme.equals("https") || scheme.equals("file")) {
                return Optional.of(uri);
            }
            LOG.debugf("%s:%d: scheme '%s' is not supported, entry skipped", file, line, scheme);
            return Optional.empty();
        } catch (URISyntaxException e) {
            throw new ArchiveException.MalformedIndex(file.toString(), line, "bad URI '" + text + "': " + e.getReason());
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
