package org.debian.bootc.executor.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.executor.artifact.Sha256s;
import org.debian.bootc.executor.failure.SourceError;

class SourceFetcherTest {

    @TempDir
    Path dir;

    private final SourceFetcher fetcher = new SourceFetcher(new Fetcher(Fetcher.Limits.DEFAULTS));

    private SourceFile file(String name, String text) throws IOException {
        Files.createDirectories(dir.resolve("pool"));
        Path path = Files.writeString(dir.resolve("pool").resolve(name), text);
        return new SourceFile(name, Sha256s.of(text), text.length(), path.toUri().toString());
    }

    @Test
    void fetchesEveryFileAndChecksIt() throws IOException {
        SourcePackage p = new SourcePackage("hello", "2.10-3", "hello_2.10-3.dsc",
                List.of(file("hello_2.10-3.dsc", "Format: 3.0 (quilt)\n"), file("hello_2.10.orig.tar.gz", "tarball")));
        Path dsc = fetcher.fetch(p, dir.resolve("out"), LogSink.NONE);
        assertEquals(dir.resolve("out/hello_2.10-3.dsc"), dsc);
        assertEquals("tarball", Files.readString(dir.resolve("out/hello_2.10.orig.tar.gz")));
    }

    @Test
    void aFileThatDoesNotMatchItsSha256IsRefusedNamingIt() throws IOException {
        SourceFile good = file("x_1.dsc", "dsc");
        SourceFile tampered = new SourceFile("x_1.tar.xz", Sha256s.of("expected"), 8,
                Files.writeString(dir.resolve("pool/x_1.tar.xz"), "tampered").toUri().toString());
        SourceError e = assertThrows(SourceError.class, () -> fetcher.fetch(
                new SourcePackage("x", "1", "x_1.dsc", List.of(good, tampered)), dir.resolve("out"), LogSink.NONE));
        assertTrue(e.getMessage().contains("source file x_1.tar.xz"), e.getMessage());
        assertTrue(e.getMessage().contains("the task says 8 bytes with sha256 " + Sha256s.of("expected")), e.getMessage());
    }

    @Test
    void badTasksAreRefusedBeforeAnythingIsFetched() throws IOException {
        SourceFile dsc = file("x_1.dsc", "dsc");
        SourceError notListed = assertThrows(SourceError.class, () -> fetcher.fetch(
                new SourcePackage("x", "1", "y_1.dsc", List.of(dsc)), dir.resolve("out"), LogSink.NONE));
        assertTrue(notListed.getMessage().contains("source.dsc 'y_1.dsc' is not among source.files"));
        SourceError escape = assertThrows(SourceError.class, () -> fetcher.fetch(new SourcePackage("x", "1", "x_1.dsc",
                List.of(dsc, new SourceFile("../../etc/cron.d/x", "a".repeat(64), 1, dsc.location()))),
                dir.resolve("out"), LogSink.NONE));
        assertTrue(escape.getMessage().contains("'../../etc/cron.d/x' is not a plain file name"));
        SourceError missing = assertThrows(SourceError.class, () -> fetcher.fetch(new SourcePackage("x", "1", "x_1.dsc",
                List.of(new SourceFile("x_1.dsc", "a".repeat(64), 1, dir.resolve("nowhere.dsc").toUri().toString()))),
                dir.resolve("out"), LogSink.NONE));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        SourceError relative = assertThrows(SourceError.class, () -> fetcher.fetch(new SourcePackage("x", "1", "x_1.dsc",
                List.of(new SourceFile("x_1.dsc", "a".repeat(64), 1, "pool/x_1.dsc"))), dir.resolve("out"), LogSink.NONE));
        assertTrue(relative.getMessage().contains("'pool/x_1.dsc' is not an absolute URI"), relative.getMessage());
    }

    /**
     * A source server that sends the head and a little of a tarball, then nothing, holds no
     * build slot for ever: the fetch is cut off after the idle limit and the build fails naming
     * the file and why. One that sends more than the task says is cut off at that size.
     */
    @Test
    void aServerThatStopsSendingOrSendsTooMuchFailsTheFetchNamingTheFile() throws Exception {
        Fetcher.Limits shortLimits = new Fetcher.Limits(Duration.ofSeconds(2), Duration.ofMillis(400),
                Duration.ofSeconds(5), 1L << 30);
        SourceFetcher impatient = new SourceFetcher(new Fetcher(shortLimits));
        SourceFile dsc = file("x_1.dsc", "dsc");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    java.net.Socket accepted;
                    try {
                        accepted = server.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread answering = new Thread(() -> answer(accepted));
                    answering.setDaemon(true);
                    answering.start();
                }
            });
            t.setDaemon(true);
            t.start();
            String base = "http://127.0.0.1:" + server.getLocalPort();

            SourceError stalled = assertThrows(SourceError.class, () -> impatient.fetch(new SourcePackage("x", "1",
                    "x_1.dsc", List.of(dsc, new SourceFile("x_1.tar.xz", "a".repeat(64), 1000, base + "/stall"))),
                    dir.resolve("out"), LogSink.NONE));
            assertTrue(stalled.getMessage().contains("source file x_1.tar.xz"), stalled.getMessage());
            assertTrue(stalled.getMessage().contains("sent nothing for 400 ms"), stalled.getMessage());

            SourceError tooMuch = assertThrows(SourceError.class, () -> impatient.fetch(new SourcePackage("x", "1",
                    "x_1.dsc", List.of(dsc, new SourceFile("x_1.tar.xz", "a".repeat(64), 100, base + "/big"))),
                    dir.resolve("out2"), LogSink.NONE));
            assertTrue(tooMuch.getMessage().contains("5000 bytes announced, more than the cap of 100"),
                    tooMuch.getMessage());
            assertTrue(!Files.exists(dir.resolve("out/x_1.tar.xz")) && !Files.exists(dir.resolve("out2/x_1.tar.xz")),
                    "nothing of a cut-off fetch is kept");
        }
    }

    /** The crafted source server's answer: /stall sends a little and then nothing, /big more than asked for. */
    private static void answer(java.net.Socket accepted) {
        try (java.net.Socket s = accepted) {
            String request = new String(s.getInputStream().readNBytes(16));
            var out = s.getOutputStream();
            boolean stall = request.contains("/stall");
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (stall ? 1000 : 5000) + "\r\n\r\n").getBytes());
            out.write(new byte[stall ? 10 : 5000]);
            out.flush();
            Thread.sleep(stall ? 30_000 : 0);
        } catch (Exception e) {
            // the fetcher hung up
        }
    }
}
