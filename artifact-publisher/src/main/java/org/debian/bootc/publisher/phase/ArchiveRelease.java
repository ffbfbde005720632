package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.debian.bootc.debian.deb822.ClearSigned;
import org.debian.bootc.debian.release.Release;
import org.debian.bootc.publisher.apt.ArtifactFetcher;

/**
 * The archive suite's InRelease: its sha256 (the plan pins it) and its {@code Date},
 * which is the image's SOURCE_DATE_EPOCH when configuration sets none, so a rebuild of
 * the same plan gets the same timestamps. The file is read by the shared {@link Release};
 * only the fetching is the publisher's own.
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
        // the planner verified this InRelease's signature and pinned its sha256; here it is only read
        long epoch;
        try {
            epoch = Release.parse(ClearSigned.body(new String(bytes, StandardCharsets.UTF_8)), sha, uri).date()
                    .getEpochSecond();
        } catch (IllegalArgumentException e) { // InvalidReleaseException, FileSyntaxException
            throw new IOException(uri + " is not a usable Release: " + e.getMessage(), e);
        }
        return new ArchiveRelease(sha, epoch);
    }
}
