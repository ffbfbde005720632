package org.debian.bootc.executor.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.executor.failure.RootError;

class BaseChrootCacheTest {

    @TempDir
    Path dir;

    static BaseKey key(String suite) {
        return new BaseKey(suite, "amd64", URI.create("file:///srv/archive/"), "a".repeat(64), List.of("fakeroot"), "1");
    }

    /** Makes a tiny "chroot" of {@code bytes} bytes and counts how often it ran. */
    static final class FakeMaker implements BaseMaker {
        final AtomicInteger runs = new AtomicInteger();
        final int bytes;
        final long millis;

        FakeMaker(int bytes, long millis) {
            this.bytes = bytes;
            this.millis = millis;
        }

        @Override
        public void make(BaseKey key, Path target, LogSink log) {
            runs.incrementAndGet();
            try {
                Thread.sleep(millis);
                Files.createDirectories(target.resolve("etc"));
                Files.write(target.resolve("etc/os-release"), new byte[bytes]);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-25T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private BaseChrootCache cache(BaseMaker maker, Duration maxAge, long maxBytes, Clock clock) {
        return new BaseChrootCache(dir, maker, maxAge, maxBytes, clock);
    }

    @Test
    void concurrentRequestsForOneKeyMakeItOnce() throws Exception {
        FakeMaker maker = new FakeMaker(10, 300);
        BaseChrootCache cache = cache(maker, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<BaseChrootCache.Lease>> leases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            leases.add(pool.submit(() -> {
                go.await();
                return cache.acquire(key("bookworm"), LogSink.NONE);
            }));
        }
        go.countDown();
        int madeHere = 0;
        for (Future<BaseChrootCache.Lease> lease : leases) {
            BaseChrootCache.Lease l = lease.get(10, TimeUnit.SECONDS);
            madeHere += l.made() ? 1 : 0;
            assertTrue(Files.isRegularFile(l.root().resolve("etc/os-release")));
            l.close();
        }
        pool.shutdown();
        assertEquals(1, maker.runs.get());
        assertEquals(1, madeHere);
        assertEquals(dir.resolve(key("bookworm").id()).resolve("root"), leases.get(0).get().root());
    }

    @Test
    void theCacheSurvivesARestart() {
        FakeMaker first = new FakeMaker(10, 0);
        cache(first, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC()).acquire(key("bookworm"), LogSink.NONE).close();
        FakeMaker second = new FakeMaker(10, 0);
        BaseChrootCache restarted = cache(second, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC());
        try (BaseChrootCache.Lease lease = restarted.acquire(key("bookworm"), LogSink.NONE)) {
            assertFalse(lease.made());
        }
        assertEquals(1, first.runs.get());
        assertEquals(0, second.runs.get());
        assertEquals(0, restarted.made());
    }

    @Test
    void aFailedCreationLeavesNothingAndTheNextRequestTriesAgain() throws IOException {
        BaseMaker failing = (key, target, log) -> {
            try {
                Files.createDirectories(target.resolve("half"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new RootError("mmdebstrap failed");
        };
        BaseChrootCache cache = cache(failing, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC());
        assertThrows(RootError.class, () -> cache.acquire(key("bookworm"), LogSink.NONE));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(key("bookworm").id() + ".lock"), left.map(p -> p.getFileName().toString()).toList());
        }
        FakeMaker maker = new FakeMaker(10, 0);
        cache(maker, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC()).acquire(key("bookworm"), LogSink.NONE).close();
        assertEquals(1, maker.runs.get());
    }

    @Test
    void basesUnusedForTooLongAreEvictedButNotWhileLeased() {
        MutableClock clock = new MutableClock();
        BaseChrootCache cache = cache(new FakeMaker(10, 0), Duration.ofDays(7), Long.MAX_VALUE, clock);
        cache.acquire(key("bookworm"), LogSink.NONE).close();
        BaseChrootCache.Lease held = cache.acquire(key("trixie"), LogSink.NONE);
        clock.now = clock.now.plus(Duration.ofDays(6));
        assertEquals(List.of(), cache.evict());
        clock.now = clock.now.plus(Duration.ofDays(2));
        assertEquals(List.of(key("bookworm").id()), cache.evict());
        assertFalse(Files.exists(dir.resolve(key("bookworm").id())));
        held.close();
        assertEquals(List.of(key("trixie").id()), cache.evict());
    }

    @Test
    void theLeastRecentlyUsedGoWhileTheCacheIsTooBig() {
        MutableClock clock = new MutableClock();
        BaseChrootCache cache = cache(new FakeMaker(1000, 0), Duration.ofDays(30), 2500, clock);
        for (String suite : List.of("bookworm", "trixie", "forky")) {
            cache.acquire(key(suite), LogSink.NONE).close();
            clock.now = clock.now.plusSeconds(60);
        }
        cache.acquire(key("bookworm"), LogSink.NONE).close(); // used again: now the most recent
        assertEquals(List.of(key("trixie").id()), cache.evict());
        assertEquals(2, cache.entries().size());
    }

    @Test
    void leftoversOfAnInterruptedCreationAreRemoved() throws IOException {
        BaseChrootCache cache = cache(new FakeMaker(10, 0), Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC());
        Path temp = dir.resolve(".tmp-" + key("bookworm").id() + "-0f0e");
        Files.createDirectories(temp.resolve("root/etc"));
        assertEquals(List.of(temp), cache.removeLeftovers());
        assertFalse(Files.exists(temp));
    }

    @Test
    void twoProcessesAskingForOneKeyMakeItOnce() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        List<Process> contenders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            contenders.add(new ProcessBuilder(java, "-cp", classpath, CacheContender.class.getName(), dir.toString())
                    .redirectErrorStream(true).start());
        }
        for (Process p : contenders) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes()));
        }
        assertEquals(1, Files.readAllLines(dir.resolve("made.log")).size(), "mmdebstrap ran once for two processes");
    }

    @Test
    void aBaseLeasedByAnotherProcessIsNotEvictedUntilItsLeaseEnds() throws Exception {
        MutableClock clock = new MutableClock();
        // the other process stamps the base's last use with the real clock: start this one there too,
        // or from a week after the fixed start date on, that stamp lies in this clock's future
        clock.now = Instant.now();
        BaseChrootCache cache = cache(new FakeMaker(10, 0), Duration.ofDays(7), Long.MAX_VALUE, clock);
        cache.acquire(key("bookworm"), LogSink.NONE).close();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CacheHolder.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            String said = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine();
            assertEquals("LEASED", said, "the other process did not lease the base");
            clock.now = clock.now.plus(Duration.ofDays(8)); // unused here for longer than the maximum age
            assertEquals(List.of(), cache.evict(), "evicted a base another process builds on");
            assertTrue(Files.isDirectory(dir.resolve(key("bookworm").id()).resolve("root")));
        } finally {
            holder.getOutputStream().close(); // the lease ends, the process exits
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, holder.exitValue());
        assertEquals(List.of(key("bookworm").id()), cache.evict());
    }

    @Test
    void theKeyIsTheSha256OfEveryInput() {
        BaseKey key = key("bookworm");
        assertEquals(64, key.id().length());
        assertEquals(key.id(), key("bookworm").id());
        assertNotEquals(key.id(), key("trixie").id());
        assertNotEquals(key.id(), new BaseKey("bookworm", "amd64", URI.create("file:///srv/archive/"), "b".repeat(64),
                List.of("fakeroot"), "1").id());
        assertEquals(key.id(), new BaseKey("bookworm", "amd64", URI.create("file:///srv/archive/"), "a".repeat(64),
                List.of("fakeroot", "fakeroot"), "1").id(), "extra packages are a set");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new BaseKey("bookworm",
                "amd64", URI.create("file:///srv/archive/"), "XYZ", List.of(), "1"));
        assertTrue(bad.getMessage().contains("inReleaseSha256 'XYZ'"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new BaseKey("Bookworm!", "amd64",
                URI.create("file:///srv/archive/"), "a".repeat(64), List.of(), "1"));
        assertTrue(bad.getMessage().contains("suite 'Bookworm!'"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new BaseKey("bookworm", "amd64",
                URI.create("srv/archive/"), "a".repeat(64), List.of(), "1"));
        assertTrue(bad.getMessage().contains("not an absolute URI"), bad.getMessage());
    }

    /** A second JVM that leases the base, says LEASED and holds it until its standard input ends. */
    public static final class CacheHolder {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            try (BaseChrootCache.Lease lease = new BaseChrootCache(dir, new FakeMaker(10, 0), Duration.ofDays(7),
                    Long.MAX_VALUE, Clock.systemUTC()).acquire(key("bookworm"), LogSink.NONE)) {
                System.out.println("LEASED");
                System.out.flush();
                System.in.read();
            }
        }
    }

    /** A second JVM asking the cache for a base, for the cross-process test. */
    public static final class CacheContender {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            BaseMaker maker = (key, target, log) -> {
                try {
                    Files.writeString(dir.resolve("made.log"), ProcessHandle.current().pid() + "\n",
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(1500);
                    Files.createDirectories(target);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            new BaseChrootCache(dir, maker, Duration.ofDays(1), Long.MAX_VALUE, Clock.systemUTC())
                    .acquire(key("bookworm"), LogSink.NONE).close();
        }
    }

}
