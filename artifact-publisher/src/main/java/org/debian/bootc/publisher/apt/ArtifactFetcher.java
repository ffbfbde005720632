package org.debian.bootc.publisher.apt;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import org.debian.bootc.events.ArtifactRef;

/**
 * Copies an artifact from its location ({@code file:}, {@code http:} or {@code https:})
 * and checks it is the artifact the event named: same size, same sha256. An artifact
 * store is content-addressed; a file that does not hash to its name is not that artifact.
 */
public final class ArtifactFetcher {

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    /** Fetches {@code artifact} to {@code target}, or fails naming the artifact and what was wrong. */
    public void fetch(ArtifactRef artifact, Path target) throws IOException {
        URI location;
        try {
            location = URI.create(artifact.location());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("artifact " + artifact.name() + ": location \"" + artifact.location()
                    + "\" is not a URI: " + e.getMessage());
        }
        String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        MessageDigest sha256 = sha256();
        switch (scheme) {
            case "file" -> {
                Path source = Path.of(location);
                if (!Files.isRegularFile(source)) {
                    throw new IllegalArgumentException("artifact " + artifact.name() + ": location "
                            + artifact.location() + " is not a readable file");
                }
                try (InputStream in = new DigestInputStream(Files.newInputStream(source), sha256)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            case "http", "https" -> {
                HttpRequest request = HttpRequest.newBuilder(location).timeout(Duration.ofMinutes(10)).GET().build();
                HttpResponse<InputStream> response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while fetching " + location, e);
                }
                if (response.statusCode() != 200) {
                    response.body().close();
                    throw new IllegalArgumentException("artifact " + artifact.name() + ": " + location
                            + " answered HTTP " + response.statusCode());
                }
                try (InputStream in = new DigestInputStream(response.body(), sha256)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            default -> throw new IllegalArgumentException("artifact " + artifact.name() + ": location \""
                    + artifact.location() + "\" has scheme \"" + scheme + "\"; only file, http and https are fetched");
        }
        long size = Files.size(partial);
        String digest = HexFormat.of().formatHex(sha256.digest());
        if (size != artifact.size() || !digest.equals(artifact.sha256())) {
            Files.delete(partial);
            throw new IllegalArgumentException("artifact " + artifact.name() + " from " + artifact.location()
                    + " is " + size + " bytes with sha256 " + digest + ", but the event says " + artifact.size()
                    + " bytes with sha256 " + artifact.sha256());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
