package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import org.debian.bootc.publisher.apt.ArtifactFetcher;

/**
 * The archive suite's InRelease: its sha256 (the plan pins it) and its {@code Date},
 * which is the image's SOURCE_DATE_EPOCH when configuration sets none, so a rebuild of
 * the same plan gets the same timestamps.
 */
public record ArchiveRelease(String sha256, long date) {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30)).build();

    public static ArchiveRelease fetch(URI archive, String suite) throws IOException {
        String base = archive.toString().endsWith("/") ? archive.toString() : archive + "/";
        URI uri = URI.create(base + "dists/" + suite + "/InRelease");
        byte[] bytes;
        if ("file".equals(archive.getScheme())) {
            bytes = Files.readAllBytes(Path.of(uri));
        } else {
            try {
                HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException(uri + " answered HTTP " + response.statusCode());
                }
                bytes = response.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted fetching " + uri, e);
            }
        }
        String sha = HexFormat.of().formatHex(ArtifactFetcher.sha256().digest(bytes));
        String date = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("Date: ")).findFirst()
                .orElseThrow(() -> new IOException(uri + " has no Date field")).substring(6).strip()
                .replaceAll(" UTC$", " GMT"); // Debian writes UTC; RFC 1123 spells it GMT
        long epoch = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT)).toEpochSecond();
        return new ArchiveRelease(sha, epoch);
    }
}
