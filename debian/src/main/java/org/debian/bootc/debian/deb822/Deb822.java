package org.debian.bootc.debian.deb822;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

import org.debian.bootc.debian.FileSyntaxException;

/**
 * Reads deb822 control data (Release, Packages, Sources, {@code *.sources}) one
 * paragraph at a time, so a 50 MB index never sits in memory as text.
 *
 * <p>Field names compare without case. A continuation line (one starting with a
 * space or tab) adds a line to the field's value with that first character removed;
 * a value's first line is trimmed. Lines starting with {@code #} are comments, which
 * only apt's source files use. A line that is none of these throws a
 * {@link FileSyntaxException} naming the source and the line.
 *
 * <p>Each paragraph carries the line it starts on, so a reader of apt sources or of an
 * index can point at the stanza it refuses.
 */
public final class Deb822 {

    /** One paragraph, its fields in file order. */
    public record Paragraph(Map<String, String> fields, long line) {

        public Paragraph {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public Optional<String> get(String field) {
            return Optional.ofNullable(fields.get(field.toLowerCase(Locale.ROOT)));
        }

        public String getOrEmpty(String field) {
            return get(field).orElse("");
        }

        /** The value's lines without the (usually empty) first one, e.g. the SHA256 table of a Release file. */
        public List<String> continuationLines(String field) {
            String value = getOrEmpty(field);
            List<String> lines = new ArrayList<>(List.of(value.split("\n", -1)));
            if (!lines.isEmpty() && lines.get(0).isBlank()) {
                lines.remove(0);
            }
            lines.removeIf(String::isBlank);
            return List.copyOf(lines);
        }

        /** The value as whitespace-separated words, continuation lines folded in. */
        public List<String> words(String field) {
            String value = getOrEmpty(field).trim();
            return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
        }

        /** The value as a comma-separated list (Binary, Provides), continuation lines folded in. */
        public List<String> commaList(String field) {
            return Stream.of(getOrEmpty(field).split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toUnmodifiableList());
        }

        /** The value with continuation lines folded into one line, as relation fields are read. */
        public String folded(String field) {
            return getOrEmpty(field).replaceAll("\\s*\n\\s*", " ").strip();
        }
    }

    private Deb822() {
    }

    /** @throws FileSyntaxException at the first line that is not deb822 */
    public static List<Paragraph> parse(String text, String source) {
        try (Stream<Paragraph> paragraphs = paragraphs(new BufferedReader(new StringReader(text)), source,
                Set.of())) {
            return paragraphs.collect(Collectors.toUnmodifiableList());
        }
    }

    /**
     * Streams the paragraphs of a file; a name ending in {@code .gz} is decompressed
     * on the way. Close the stream to close the file.
     *
     * @param keep lower-case names of the fields to keep, or empty to keep every field
     */
    public static Stream<Paragraph> paragraphs(Path file, Set<String> keep) {
        try {
            InputStream in = Files.newInputStream(file);
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            return paragraphs(reader, file.toString(), keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static Stream<Paragraph> paragraphs(BufferedReader reader, String source, Set<String> keep) {
        Iterator<Paragraph> iterator = new ParagraphIterator(reader, source, keep);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false)
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** Calls {@code action} for each paragraph of the file. */
    public static void forEach(Path file, Set<String> keep, Consumer<Paragraph> action) {
        try (Stream<Paragraph> paragraphs = paragraphs(file, keep)) {
            paragraphs.forEach(action);
        }
    }

    private static final class ParagraphIterator implements Iterator<Paragraph> {

        private final BufferedReader reader;
        private final String source;
        private final Set<String> keep;
        private long lineNumber;
        private Paragraph next;
        private boolean done;

        ParagraphIterator(BufferedReader reader, String source, Set<String> keep) {
            this.reader = reader;
            this.source = source;
            this.keep = keep;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = read();
                done = next == null;
            }
            return next != null;
        }

        @Override
        public Paragraph next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Paragraph paragraph = next;
            next = null;
            return paragraph;
        }

        private Paragraph read() {
            Map<String, StringBuilder> fields = new LinkedHashMap<>();
            StringBuilder current = null;
            boolean skipping = false;
            long start = -1;
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    if (line.isBlank()) {
                        if (start >= 0) {
                            break;
                        }
                        continue;
                    }
                    if (line.charAt(0) == '#') {
                        continue;
                    }
                    if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                        if (start < 0) {
                            throw new FileSyntaxException(source, lineNumber,
                                    "continuation line outside a field");
                        }
                        if (!skipping) {
                            current.append('\n').append(line, 1, line.length());
                        }
                        continue;
                    }
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new FileSyntaxException(source, lineNumber,
                                "expected 'Field: value', got '" + abbreviate(line) + "'");
                    }
                    if (start < 0) {
                        start = lineNumber;
                    }
                    String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    skipping = !keep.isEmpty() && !keep.contains(name);
                    if (!skipping) {
                        current = new StringBuilder(line.substring(colon + 1).strip());
                        fields.put(name, current);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
            if (start < 0) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            fields.forEach((name, value) -> values.put(name, value.toString()));
            return new Paragraph(values, start);
        }

        private static String abbreviate(String line) {
            return line.length() > 60 ? line.substring(0, 60) + "…" : line;
        }
    }
}
