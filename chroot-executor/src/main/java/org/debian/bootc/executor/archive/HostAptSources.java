package org.debian.bootc.executor.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code deb} entries of a machine's apt configuration, read as apt reads
 * them: {@code sources.list} and {@code sources.list.d/*.list} one per line,
 * {@code sources.list.d/*.sources} as deb822 stanzas (those with
 * {@code Enabled: no} skipped), files in name order.
 */
public final class HostAptSources {

    /** One deb entry: an archive root with the suites and components it names. */
    public record Entry(URI uri, List<String> suites, List<String> components, Path file) {

        public Entry {
            suites = List.copyOf(suites);
            components = List.copyOf(components);
        }
    }

    private final Path root;

    /** @param root whose {@code etc/apt} is read: {@code /} on a real machine */
    public HostAptSources(Path root) {
        this.root = root;
    }

    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        Path main = root.resolve("etc/apt/sources.list");
        if (Files.isRegularFile(main)) {
            entries.addAll(oneLine(main));
        }
        Path parts = root.resolve("etc/apt/sources.list.d");
        if (Files.isDirectory(parts)) {
            try (Stream<Path> files = Files.list(parts)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".list")) {
                        entries.addAll(oneLine(file));
                    } else if (name.endsWith(".sources")) {
                        entries.addAll(deb822(file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + parts, e);
            }
        }
        return List.copyOf(entries);
    }

    /** The first entry naming {@code suite} with component {@code main}. */
    public Optional<URI> archiveFor(String suite) {
        return entries().stream().filter(e -> e.suites().contains(suite) && e.components().contains("main"))
                .map(Entry::uri).findFirst();
    }

    static List<Entry> oneLine(Path file) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : lines(file)) {
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) {
                continue;
            }
            String rest = line.substring(3).strip();
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    continue;
                }
                rest = rest.substring(close + 1).strip();
            }
            List<String> words = Arrays.asList(rest.split("\\s+"));
            if (words.size() < 2) {
                continue;
            }
            uri(words.get(0)).ifPresent(uri -> entries.add(new Entry(uri, List.of(words.get(1)),
                    words.subList(2, words.size()), file)));
        }
        return entries;
    }

    static List<Entry> deb822(Path file) {
        List<Entry> entries = new ArrayList<>();
        for (Map<String, String> stanza : Deb822.stanzas(lines(file))) {
            if (!words(stanza, "types").contains("deb") || "no".equalsIgnoreCase(stanza.getOrDefault("enabled", "").strip())) {
                continue;
            }
            for (String word : words(stanza, "uris")) {
                uri(word).ifPresent(uri -> entries.add(new Entry(uri, words(stanza, "suites"),
                        words(stanza, "components"), file)));
            }
        }
        return entries;
    }

    private static List<String> words(Map<String, String> stanza, String field) {
        String value = stanza.getOrDefault(field, "").strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    private static Optional<URI> uri(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text : text + "/");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return scheme.equals("http") || scheme.equals("https") || scheme.equals("file") ? Optional.of(uri)
                    : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
