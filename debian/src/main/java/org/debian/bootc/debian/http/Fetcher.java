package org.debian.bootc.debian.http;

import java.io.ByteArrayOutputStream;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches a file named by an absolute URI ({@code http:}, {@code https:}, {@code file:}),
 * hashing it on the way, within {@link Limits}: a server that does not answer, that stops
 * sending, that sends too slowly for the whole to arrive in time, or that sends more than the
 * cap is cut off with a {@link FetchException} whose {@link FetchException#reason()} says which.
 * The one way the services fetch from an archive, a source URI or an artifact store: the
 * executor's sources and InRelease, the publisher's artifacts and InRelease.
 */
public final class Fetcher {

    /**
     * How far a fetch may go.
     *
     * @param connect how long opening the connection and getting the response's head may take
     * @param idle how long the body may send nothing before the fetch is cut off
     * @param total how long the whole fetch may take
     * @param maxBytes the most bytes a fetched file may have
     */
    public record Limits(Duration connect, Duration idle, Duration total, long maxBytes) {

        /** 30 s to answer, 60 s without a byte, 30 minutes in all, 4 GiB (a source tarball of LibreOffice is under 1). */
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofMinutes(30), 4L << 30);

        public Limits {
            for (Duration d : new Duration[] {connect, idle, total}) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("a fetch limit must be positive: " + d);
                }
            }
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
            }
        }

        public Limits withMaxBytes(long bytes) {
            return new Limits(connect, idle, total, bytes);
        }
    }

    /** A fetched file: where it is, its size and sha256. */
    public record Fetched(Path file, long size, String sha256) {
    }

    /** Fetched bytes (a small file such as an InRelease) and their sha256. */
    public record Body(byte[] bytes, String sha256) {
    }

    /** Why a fetch failed. */
    public enum Reason {
        /** The scheme is not http, https or file. */
        UNSUPPORTED_SCHEME,
        /** No connection, no answer within the connect limit, or a read error. */
        UNREACHABLE,
        /** The server answered with a status other than 200, or the file does not exist. */
        NOT_FOUND,
        /** The body sent nothing for the idle limit. */
        STALLED,
        /** The whole fetch took longer than the total limit. */
        TOO_SLOW,
        /** The body was longer than the byte cap. */
        TOO_BIG
    }

    /** The URI could not be fetched; the message says which and why. */
    public static final class FetchException extends IOException {

        private final Reason reason;
        private final int status;

        public FetchException(Reason reason, String message) {
            this(reason, 0, message);
        }

        FetchException(Reason reason, int status, String message) {
            super(message);
            this.reason = reason;
            this.status = status;
        }

        public Reason reason() {
            return reason;
        }

        /** For {@link Reason#NOT_FOUND}: the HTTP status the server answered (404 for a missing file). */
        public java.util.OptionalInt status() {
            return status == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(status);
        }
    }

    /** One daemon thread for every fetcher: it cuts off stalled and too-slow fetches. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fetch-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Limits limits;
    private final HttpClient http;

    public Fetcher(Limits limits) {
        this(limits, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(limits.connect()).build());
    }

    private Fetcher(Limits limits, HttpClient http) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.http = http;
    }

    public Limits limits() {
        return limits;
    }

    /** Fetches {@code uri} to {@code target}, through a temporary sibling that only a whole fetch renames. */
    public Fetched fetch(URI uri, Path target) throws FetchException {
        return fetch(uri, target, limits.maxBytes());
    }

    /** As {@link #fetch(URI, Path)}, capped at {@code maxBytes} too (the size the caller expects). */
    public Fetched fetch(URI uri, Path target, long maxBytes) throws FetchException {
        if (maxBytes < limits.maxBytes()) {
            return new Fetcher(limits.withMaxBytes(Math.max(1, maxBytes)), http).fetch(uri, target);
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            MessageDigest sha = sha256();
            long size;
            try (OutputStream out = Files.newOutputStream(partial)) {
                size = copy(uri, out, sha);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            return new Fetched(target, size, HexFormat.of().formatHex(sha.digest()));
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            throw new FetchException(Reason.UNREACHABLE, "cannot fetch " + uri + ": " + e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // a scratch file: the caller's directory cleanup takes it
            }
        }
    }

    /** Fetches {@code uri} into memory, within the byte cap: for small files. */
    public Body fetchBytes(URI uri) throws FetchException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageDigest sha = sha256();
        copy(uri, out, sha);
        return new Body(out.toByteArray(), HexFormat.of().formatHex(sha.digest()));
    }

    private long copy(URI uri, OutputStream out, MessageDigest sha) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        long started = System.nanoTime();
        InputStream in;
        try {
            in = open(uri, scheme);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException(Reason.UNREACHABLE, "interrupted while fetching " + uri);
        } catch (FetchException e) {
            throw e;
        } catch (java.net.http.HttpTimeoutException e) {
            throw new FetchException(Reason.UNREACHABLE, "cannot fetch " + uri + ": no answer within "
                    + seconds(limits.connect()));
        } catch (IOException e) {
            throw new FetchException(Reason.UNREACHABLE, "cannot fetch " + uri + ": " + e);
        }
        long[] lastByte = {System.nanoTime()};
        AtomicReference<FetchException> cutOff = new AtomicReference<>();
        long tick = Math.max(50, Math.min(1000, limits.idle().toMillis() / 4));
        ScheduledFuture<?> watch = WATCHDOG.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            FetchException why = null;
            if (now - started > limits.total().toNanos()) {
                why = new FetchException(Reason.TOO_SLOW, "cannot fetch " + uri + ": not complete after "
                        + seconds(limits.total()) + " (the limit of a whole fetch)");
            } else if (now - lastByte[0] > limits.idle().toNanos()) {
                why = new FetchException(Reason.STALLED, "cannot fetch " + uri + ": the server sent nothing for "
                        + seconds(limits.idle()));
            }
            if (why != null && cutOff.compareAndSet(null, why)) {
                closeQuietly(in); // unblocks the read below
            }
        }, tick, tick, TimeUnit.MILLISECONDS);
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                lastByte[0] = System.nanoTime();
                size += n;
                if (size > limits.maxBytes()) {
                    throw new FetchException(Reason.TOO_BIG, "cannot fetch " + uri + ": more than "
                            + limits.maxBytes() + " bytes (the cap of a fetched file)");
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (FetchException e) {
            throw e;
        } catch (IOException e) {
            FetchException why = cutOff.get();
            throw why != null ? why : new FetchException(Reason.UNREACHABLE, "cannot fetch " + uri + ": " + e);
        } finally {
            watch.cancel(false);
        }
        FetchException why = cutOff.get();
        if (why != null) { // cut off between the last read and the end: the body may be short
            throw why;
        }
        return size;
    }

    private InputStream open(URI uri, String scheme) throws IOException, InterruptedException {
        switch (scheme) {
            case "file" -> {
                Path path = Path.of(uri);
                if (!Files.isRegularFile(path)) {
                    throw new FetchException(Reason.NOT_FOUND, 404, "cannot fetch " + uri + ": no such file");
                }
                return Files.newInputStream(path);
            }
            case "http", "https" -> {
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(limits.connect())
                        .header("User-Agent", "deb-bootc-compose").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    closeQuietly(response.body());
                    throw new FetchException(Reason.NOT_FOUND, response.statusCode(), "cannot fetch " + uri
                            + ": HTTP status " + response.statusCode());
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > limits.maxBytes()) {
                    closeQuietly(response.body());
                    throw new FetchException(Reason.TOO_BIG, "cannot fetch " + uri + ": " + declared
                            + " bytes announced, more than the cap of " + limits.maxBytes());
                }
                return response.body();
            }
            default -> throw new FetchException(Reason.UNSUPPORTED_SCHEME, "cannot fetch " + uri + ": scheme \""
                    + scheme + "\" is not supported (http, https or file)");
        }
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing to stop a fetch: nothing more to do
        }
    }
}
