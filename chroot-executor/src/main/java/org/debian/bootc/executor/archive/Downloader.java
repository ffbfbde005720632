package org.debian.bootc.executor.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

/**
 * Fetches files named by absolute URIs ({@code http:}, {@code https:}, {@code file:})
 * to local files, hashing them on the way.
 */
public final class Downloader {

    /** A fetched file: where it is, its size and sha256. */
    public record Fetched(Path file, long size, String sha256) {
    }

    /** The URI could not be fetched; the message says which and why. */
    public static final class FetchException extends IOException {

        public FetchException(String message) {
            super(message);
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    public Downloader(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(timeout).build();
    }

    /** Fetches {@code uri} to {@code target} (written to a temporary sibling first). */
    public Fetched fetch(URI uri, Path target) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(open(uri, scheme), sha);
                    OutputStream out = Files.newOutputStream(partial)) {
                long size = in.transferTo(out);
                out.close();
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
                return new Fetched(target, size, HexFormat.of().formatHex(sha.digest()));
            }
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            throw new FetchException("cannot fetch " + uri + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while fetching " + uri);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private InputStream open(URI uri, String scheme) throws IOException, InterruptedException {
        switch (scheme) {
            case "file":
                Path path = Path.of(uri);
                if (!Files.isRegularFile(path)) {
                    throw new FetchException("cannot fetch " + uri + ": no such file");
                }
                return Files.newInputStream(path);
            case "http":
            case "https":
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    response.body().close();
                    throw new FetchException("cannot fetch " + uri + ": HTTP status " + response.statusCode());
                }
                return response.body();
            default:
                throw new FetchException("cannot fetch " + uri + ": scheme '" + scheme
                        + "' is not supported (http, https or file)");
        }
    }
}
