package org.debian.bootc.debian.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.http.Fetcher.FetchException;
import org.debian.bootc.debian.http.Fetcher.Reason;

/**
 * The fetcher against crafted servers on loopback (a raw socket each, so a server can stall,
 * trickle or lie): every way a fetch is cut off, with short limits so each test takes
 * at most about a second.
 */
class FetcherTest {

    private static final Fetcher.Limits SHORT = new Fetcher.Limits(Duration.ofMillis(500), Duration.ofMillis(300),
            Duration.ofSeconds(1), 1000);

    /** What a crafted server does with one connection, after reading the request. */
    @FunctionalInterface
    interface Script {
        void answer(OutputStream out) throws Exception;
    }

    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private URI serve(Script script) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    byte[] buf = new byte[4096];
                    s.getInputStream().read(buf); // the request: one small GET
                    script.answer(s.getOutputStream());
                } catch (Exception e) {
                    // the client hung up, or the test is over
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/pool/f.tar.xz");
    }

    private static void head(OutputStream out, String headers) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void aWholeAnswerIsWrittenWithItsSizeAndSha256(@TempDir Path dir) throws Exception {
        URI uri = serve(out -> {
            head(out, "Content-Length: 5\r\n");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
        });
        Fetcher.Fetched f = new Fetcher(SHORT).fetch(uri, dir.resolve("f"));
        assertEquals(5, f.size());
        assertEquals(HexFormat.of().formatHex(Fetcher.sha256().digest("hello".getBytes())), f.sha256());
        assertEquals("hello", Files.readString(dir.resolve("f")));
        assertFalse(Files.exists(dir.resolve("f.partial")));
    }

    @Test
    void aServerThatStopsSendingIsCutOffAfterTheIdleLimit(@TempDir Path dir) throws Exception {
        URI uri = serve(out -> {
            head(out, "Content-Length: 900\r\n");
            out.write(new byte[10]);
            out.flush();
            Thread.sleep(60_000);
        });
        FetchException e = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetch(uri, dir.resolve("f")));
        assertEquals(Reason.STALLED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("sent nothing for 300 ms"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("f")), "nothing is kept of a cut-off fetch");
        assertFalse(Files.exists(dir.resolve("f.partial")));
    }

    @Test
    void aServerThatTricklesIsCutOffAfterTheTotalLimit() throws Exception {
        URI uri = serve(out -> {
            head(out, "Content-Length: 900\r\n");
            for (int i = 0; i < 900; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100); // always under the idle limit, never done in time
            }
        });
        FetchException e = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetchBytes(uri));
        assertEquals(Reason.TOO_SLOW, e.reason(), e.getMessage());
    }

    @Test
    void aBodyOverTheCapIsCutOffWhetherAnnouncedOrNot() throws Exception {
        URI announced = serve(out -> {
            head(out, "Content-Length: 100000000000\r\n");
            out.write(new byte[100]);
        });
        FetchException e = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetchBytes(announced));
        assertEquals(Reason.TOO_BIG, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("100000000000 bytes announced"), e.getMessage());
        stop();

        URI unannounced = serve(out -> {
            head(out, "Connection: close\r\n");
            for (int i = 0; i < 100; i++) {
                out.write(new byte[100]);
            }
        });
        FetchException e2 = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetchBytes(unannounced));
        assertEquals(Reason.TOO_BIG, e2.reason(), e2.getMessage());
    }

    @Test
    void aServerThatNeverAnswersIsUnreachableAfterTheConnectLimit() throws Exception {
        URI uri = serve(out -> Thread.sleep(60_000));
        FetchException e = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetchBytes(uri));
        assertEquals(Reason.UNREACHABLE, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("no answer within 500 ms"), e.getMessage());
    }

    @Test
    void aStatusOtherThan200IsNotFound() throws Exception {
        URI uri = serve(out -> out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes()));
        FetchException e = assertThrows(FetchException.class, () -> new Fetcher(SHORT).fetchBytes(uri));
        assertEquals(Reason.NOT_FOUND, e.reason());
        assertEquals(java.util.OptionalInt.of(404), e.status());
        assertTrue(e.getMessage().contains("HTTP status 404"), e.getMessage());
    }

    @Test
    void filesAreReadWithinTheCapAndOtherSchemesRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("InRelease"), "Origin: Debian\n");
        assertArrayEquals("Origin: Debian\n".getBytes(), new Fetcher(SHORT).fetchBytes(file.toUri()).bytes());
        assertEquals(Reason.NOT_FOUND, assertThrows(FetchException.class,
                () -> new Fetcher(SHORT).fetchBytes(dir.resolve("absent").toUri())).reason());
        assertEquals(Reason.TOO_BIG, assertThrows(FetchException.class,
                () -> new Fetcher(SHORT.withMaxBytes(4)).fetchBytes(file.toUri())).reason());
        assertEquals(Reason.UNSUPPORTED_SCHEME, assertThrows(FetchException.class,
                () -> new Fetcher(SHORT).fetchBytes(URI.create("ftp://example.invalid/x"))).reason());
    }

    @Test
    void limitsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Fetcher.Limits(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), 1));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Fetcher.Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
    }
}
