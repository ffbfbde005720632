package org.debian.bootc.debian.apt;

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
import java.util.Set;
import java.util.stream.Stream;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.deb822.Deb822;

/**
 * Reads the {@code deb} entries of a machine's apt configuration the way apt does
 * (sources.list(5)): {@code etc/apt/sources.list} and {@code etc/apt/sources.list.d/*.list}
 * in the one-line format, {@code etc/apt/sources.list.d/*.sources} in deb822 (stanzas with
 * {@code Enabled: no} are skipped). Files in {@code sources.list.d} are read in name order;
 * files with other extensions are ignored, as apt ignores them.
 *
 * <p>Every service that picks an archive from the machine reads it here, so two services
 * never pick different archives from the same {@code /etc/apt}. What apt refuses is refused
 * here too, with a {@link FileSyntaxException} naming the file and line: an unknown type, an
 * option that is not {@code key=value}, an unclosed {@code [}, a missing URI, suite or
 * component, a flat repository with components, a URI that does not parse. Entries whose
 * scheme no service fetches ({@code cdrom:}, {@code tor+http:}, {@code mirror+file:}) are
 * left out, as are {@code deb-src} entries.
 */
public final class AptSources {

    private static final Set<String> TYPES = Set.of("deb", "deb-src");
    private static final Set<String> SCHEMES = Set.of("http", "https", "file");
    private static final String ONE_LINE = "expected 'deb URI suite [component...]'";

    private final Path root;

    /** @param root the file-system root whose {@code etc/apt} is read: {@code /} on a real machine */
    public AptSources(Path root) {
        this.root = root;
    }

    public static AptSources ofMachine() {
        return new AptSources(Path.of("/"));
    }

    /**
     * Every {@code deb} entry, in the order apt reads them, flat repositories included.
     *
     * @throws FileSyntaxException at the first entry apt would refuse
     */
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
            if (!line.isEmpty()) {
                parseOneLine(line, file, i + 1).ifPresent(entries::add);
            }
        }
        return entries;
    }

    private static Optional<AptSource> parseOneLine(String line, Path file, int number) {
        int space = indexOfSpace(line);
        if (space < 0) {
            throw new FileSyntaxException(file.toString(), number, ONE_LINE);
        }
        String type = line.substring(0, space);
        if (!TYPES.contains(type)) {
            throw new FileSyntaxException(file.toString(), number, "type '" + type + "' is not deb or deb-src");
        }
        String rest = line.substring(space + 1).strip();
        Optional<SignedBy> signedBy = Optional.empty();
        List<String> architectures = List.of();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw new FileSyntaxException(file.toString(), number, "options without closing ']'");
            }
            String options = rest.substring(1, close).strip();
            for (String option : options.isEmpty() ? new String[0] : options.split("\\s+")) {
                int eq = option.indexOf('=');
                if (eq <= 0) {
                    throw new FileSyntaxException(file.toString(), number,
                            "option '" + option + "' is not key=value");
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
        List<String> words = words(rest);
        if (words.size() < 2) {
            throw new FileSyntaxException(file.toString(), number, ONE_LINE);
        }
        List<String> suites = List.of(words.get(1));
        List<String> components = words.subList(2, words.size());
        requireComponents(suites, components, file, number);
        if (!type.equals("deb")) {
            return Optional.empty();
        }
        Optional<URI> uri = uri(words.get(0), file, number);
        if (uri.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AptSource(uri.get(), suites, components, signedBy, architectures, file, number));
    }

    static List<AptSource> readDeb822(Path file) {
        List<AptSource> entries = new ArrayList<>();
        for (Deb822.Paragraph stanza : Deb822.parse(String.join("\n", readLines(file)), file.toString())) {
            List<String> types = stanza.words("Types");
            if (types.isEmpty()) {
                throw new FileSyntaxException(file.toString(), stanza.line(), "stanza has no Types");
            }
            for (String type : types) {
                if (!TYPES.contains(type)) {
                    throw new FileSyntaxException(file.toString(), stanza.line(),
                            "type '" + type + "' is not deb or deb-src");
                }
            }
            if (stanza.get("Enabled").map(v -> v.strip().equalsIgnoreCase("no")).orElse(false)) {
                continue;
            }
            List<String> uris = stanza.words("URIs");
            List<String> suites = stanza.words("Suites");
            if (uris.isEmpty() || suites.isEmpty()) {
                throw new FileSyntaxException(file.toString(), stanza.line(),
                        "stanza has no " + (uris.isEmpty() ? "URIs" : "Suites"));
            }
            List<String> components = stanza.words("Components");
            if (suites.stream().anyMatch(s -> s.endsWith("/"))) {
                if (suites.size() > 1 || !components.isEmpty()) {
                    throw new FileSyntaxException(file.toString(), stanza.line(),
                            "a flat repository (Suites ending in '/') has one suite and no Components");
                }
            } else {
                requireComponents(suites, components, file, stanza.line());
            }
            if (!types.contains("deb")) {
                continue;
            }
            Optional<SignedBy> signedBy = stanza.get("Signed-By").map(SignedBy::parse);
            for (String word : uris) {
                uri(word, file, stanza.line()).ifPresent(uri -> entries.add(new AptSource(uri, suites,
                        components, signedBy, stanza.words("Architectures"), file, stanza.line())));
            }
        }
        return entries;
    }

    /** sources.list(5): a suite that is an exact path takes no components; any other needs one. */
    private static void requireComponents(List<String> suites, List<String> components, Path file, long line) {
        boolean flat = suites.get(0).endsWith("/");
        if (flat && !components.isEmpty()) {
            throw new FileSyntaxException(file.toString(), line,
                    "a flat repository (suite '" + suites.get(0) + "' ends in '/') takes no components");
        }
        if (!flat && components.isEmpty()) {
            throw new FileSyntaxException(file.toString(), line, "suite '" + suites.get(0) + "' names no component");
        }
    }

    /** The entry's URI when its scheme is one a service fetches from. */
    private static Optional<URI> uri(String text, Path file, long line) {
        int colon = text.indexOf(':');
        String scheme = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            if (colon <= 0) {
                throw new FileSyntaxException(file.toString(), line, "URI '" + text + "' has no scheme");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(new URI(text));
        } catch (URISyntaxException e) {
            throw new FileSyntaxException(file.toString(), line, "bad URI '" + text + "': " + e.getReason());
        }
    }

    /** Whitespace-separated words, where apt's {@code [...]} and {@code "..."} keep spaces inside one word. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char closing = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (closing != 0) {
                if (c == closing) {
                    closing = 0;
                }
                if (c != '"') {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else if (c == '[' || c == '"') {
                closing = c == '[' ? ']' : '"';
                if (c == '[') {
                    word.append(c);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    private static int indexOfSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
