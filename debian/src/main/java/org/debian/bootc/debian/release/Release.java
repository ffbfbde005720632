package org.debian.bootc.debian.release;

import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.deb822.Deb822;

/**
 * The signed part of a suite's InRelease file: what it says about the suite and
 * the SHA256 table that every index is checked against.
 *
 * @param suite the archive's suite name, e.g. {@code oldstable}
 * @param codename e.g. {@code bookworm}
 * @param date when the archive wrote it
 * @param validUntil after this the file must not be trusted, when the archive sets it
 * @param acquireByHash whether indices can be fetched as {@code by-hash/SHA256/<hash>}
 * @param noArchAllPackages the archive folds {@code Architecture: all} into each binary-ARCH index
 * @param architectures as listed
 * @param components as listed
 * @param sha256 the SHA256 table, by path below {@code dists/<suite>/}
 * @param inReleaseSha256 sha256 of the InRelease file as fetched, signature included
 */
public record Release(String suite, String codename, Instant date, Optional<Instant> validUntil,
        boolean acquireByHash, boolean noArchAllPackages, List<String> architectures, List<String> components,
        Map<String, IndexEntry> sha256, String inReleaseSha256) {

    /** One row of the SHA256 table. */
    public record IndexEntry(String path, long size, String sha256) {
    }

    public Release {
        architectures = List.copyOf(architectures);
        components = List.copyOf(components);
        sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
    }

    /** Release dates are RFC 2822 with a zone name ("UTC") or an offset ("+0000"). */
    private static final List<DateTimeFormatter> DATE_FORMATS = List.of(
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss z", Locale.ROOT),
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT),
            DateTimeFormatter.RFC_1123_DATE_TIME);

    /**
     * Parses the text gpgv verified ({@link ReleaseVerifier#verify}).
     *
     * @param uri where the InRelease came from, for messages
     * @throws InvalidReleaseException when a field a Release must have is missing or unreadable
     * @throws FileSyntaxException when the text is not deb822
     */
    public static Release parse(String signedText, String inReleaseSha256, URI uri) {
        List<Deb822.Paragraph> paragraphs = Deb822.parse(signedText, uri.toString());
        if (paragraphs.isEmpty()) {
            throw new InvalidReleaseException("it is empty");
        }
        Deb822.Paragraph p = paragraphs.get(0);
        Instant date = p.get("Date").map(d -> date(d, "Date"))
                .orElseThrow(() -> new InvalidReleaseException("it has no Date field"));
        Optional<Instant> validUntil = p.get("Valid-Until").map(d -> date(d, "Valid-Until"));
        Map<String, IndexEntry> table = new LinkedHashMap<>();
        for (String line : p.continuationLines("SHA256")) {
            String[] words = line.strip().split("\\s+");
            if (words.length != 3 || !words[0].matches("[0-9a-f]{64}") || !words[1].matches("[0-9]{1,18}")) {
                throw new InvalidReleaseException("bad SHA256 line '" + line.strip() + "'");
            }
            table.put(words[2], new IndexEntry(words[2], Long.parseLong(words[1]), words[0]));
        }
        if (table.isEmpty()) {
            throw new InvalidReleaseException("it has no SHA256 table");
        }
        return new Release(p.getOrEmpty("Suite"), p.getOrEmpty("Codename"), date, validUntil,
                p.getOrEmpty("Acquire-By-Hash").equalsIgnoreCase("yes"),
                p.words("No-Support-for-Architecture-all").contains("Packages"),
                p.words("Architectures"), p.words("Components"), table, inReleaseSha256);
    }

    private static Instant date(String text, String field) {
        for (DateTimeFormatter format : DATE_FORMATS) {
            try {
                return ZonedDateTime.parse(text.strip(), format).toInstant();
            } catch (DateTimeParseException e) {
                // try the next spelling
            }
        }
        throw new InvalidReleaseException(field + " '" + text + "' is not a date");
    }

    public Optional<IndexEntry> entry(String path) {
        return Optional.ofNullable(sha256.get(path));
    }

    /** Whether the file is the Release of {@code name}, which may be the codename or the suite alias. */
    public boolean isFor(String name) {
        return name.equals(codename) || name.equals(suite);
    }
}
