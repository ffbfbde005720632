package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.executor.buildroot.Buildroot;
import org.debian.bootc.executor.failure.BuildError;
import org.debian.bootc.executor.failure.BuildTimeout;
import org.debian.bootc.executor.failure.Cancelled;

/**
 * Real builds with the real tools and the machine's archive: mmdebstrap, overlayfs,
 * namespaces, apt, dpkg-buildpackage. The base chroot is made once (in a clean tree
 * that takes a minute or two). Debian's hello is built through the broker, in
 * {@code BuildFlowIT}.
 */
class BuildPipelineIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static Workspace workspace;
    private static String suite;

    @TempDir
    Path work;

    @BeforeAll
    static void workspace() throws IOException {
        workspace = TestWorkspace.create("it", TIMEOUT);
        workspace.removeLeftovers();
        suite = TestSources.hostSuite();
        // the base is made (once per clean tree) before any test, so no test's time limit includes mmdebstrap
        workspace.bases().acquire(workspace.pipeline().baseKey(suite, java.util.Optional.empty(),
                java.util.Optional.empty()), line -> {
                }).close();
    }

    private static BuildOutcome build(SourcePackage source) {
        return build(source, workspace, TIMEOUT, ready -> {
        });
    }

    private static BuildOutcome build(SourcePackage source, Workspace ws, Duration timeout,
            java.util.function.Consumer<ChrootInfo> onReady) {
        BuildRequest request = TestWorkspace.request(source, suite);
        return ws.pipeline().run(request, TestWorkspace.running(request, timeout), onReady);
    }

    private static BuildOutcome build(SourcePackage source, String compose) {
        BuildRequest request = TestWorkspace.request(source, suite, compose);
        return workspace.pipeline().run(request, TestWorkspace.running(request, TIMEOUT), ready -> {
        });
    }

    private static String log(BuildOutcome outcome) throws IOException {
        return Files.readString(Path.of(URI.create(outcome.logLocation().orElseThrow())));
    }

    @Test
    void theBaseIsMadeOnceAndARestartedExecutorFindsItInTheCache() throws IOException {
        assertTrue(workspace.bases().made() <= 1, "at most the one creation of @BeforeAll");
        Workspace restarted = TestWorkspace.create("it-restarted", TIMEOUT);
        var key = restarted.pipeline().baseKey(suite, java.util.Optional.empty(), java.util.Optional.empty());
        try (var lease = restarted.bases().acquire(key, line -> {
        })) {
            assertFalse(lease.made(), "the cache survives a restart");
            assertEquals(0, restarted.bases().made(), "no mmdebstrap");
            assertEquals(workspace.bases().dir().resolve(key.id()).resolve("root"), lease.root());
            assertTrue(Files.readString(lease.root().resolve("etc/passwd")).contains("builder:x:2000:2000:"));
            assertTrue(Files.isExecutable(lease.root().resolve("usr/bin/dpkg-buildpackage")), "a buildd base");
            assertTrue(Files.isExecutable(lease.root().resolve("usr/bin/fakeroot")), "with the extra packages");
        }
    }

    @Test
    void aPackageThatDoesNotBuildIsAFailureWithItsLog() throws IOException {
        SourcePackage broken = TestSources.nativePackage(work, "bootc-test-broken", "",
                List.of("@echo 'compiler: deliberate failure in broken.c'", "false"));
        BuildOutcome outcome = build(broken);
        assertEquals(BuildResult.FAILURE, outcome.result());
        assertInstanceOf(BuildError.class, outcome.failure().orElseThrow());
        assertTrue(outcome.logTail().stream().anyMatch(l -> l.contains("deliberate failure in broken.c")),
                () -> "logTail: " + outcome.logTail());
        assertTrue(log(outcome).contains("deliberate failure in broken.c"));
        assertEquals(List.of(ArtifactRef.BUILD_LOG), outcome.artifacts().stream().map(ArtifactRef::category).toList());
    }

    @Test
    void theBuildStepHasNoNetwork() throws IOException {
        URI archive = TestSources.hostArchive(suite);
        int port = archive.getPort() > 0 ? archive.getPort() : archive.getScheme().equals("https") ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(archive.getHost(), port), 10_000); // the host itself can connect
        }
        SourcePackage netty = TestSources.nativePackage(work, "bootc-test-network", "",
                List.of("bash -c 'exec 3<>/dev/tcp/" + archive.getHost() + "/" + port + "' && echo CONNECTED"));
        BuildOutcome outcome = build(netty);
        assertEquals(BuildResult.FAILURE, outcome.result(), () -> String.join("\n", outcome.logTail()));
        assertFalse(log(outcome).contains("\nCONNECTED\n"));
    }

    @Test
    void whatTheBuildWritesOutsideItsChrootDoesNotPersist() throws IOException {
        String marker = "bootc-escape-" + UUID.randomUUID();
        SourcePackage escape = TestSources.nativePackage(work, "bootc-test-escape", "",
                List.of("touch /tmp/" + marker + " /var/tmp/" + marker + " /dev/shm/" + marker,
                        "test -e /tmp/" + marker));
        BuildOutcome outcome = build(escape);
        assertEquals(BuildResult.SUCCESS, outcome.result(), () -> String.join("\n", outcome.logTail()));
        assertFalse(Files.exists(Path.of("/tmp", marker)), "host /tmp");
        assertFalse(Files.exists(Path.of("/var/tmp", marker)), "host /var/tmp");
        assertFalse(Files.exists(Path.of("/dev/shm", marker)), "host /dev/shm");
        try (Stream<Path> bases = Files.list(workspace.bases().dir())) {
            for (Path base : bases.filter(p -> Files.isDirectory(p.resolve("root"))).toList()) {
                assertFalse(Files.exists(base.resolve("root/var/tmp").resolve(marker)), "the base " + base);
                assertFalse(Files.exists(base.resolve("root/tmp").resolve(marker)), "the base " + base);
            }
        }
        try (Stream<Path> left = Files.list(workspace.buildroots().dir())) {
            assertEquals(List.of(), left.toList(), "the buildroot's upper directory is gone");
        }
        // and the next build on the same base does not see it
        SourcePackage look = TestSources.nativePackage(work, "bootc-test-look", "",
                List.of("test ! -e /var/tmp/" + marker));
        assertEquals(BuildResult.SUCCESS, build(look).result());
    }

    /**
     * Results are data, never paths: a build that leaves a symbolic link named like a .deb
     * pointing at a host file fails naming it, the host file's bytes are not stored, and the
     * next build on the same executor succeeds.
     */
    @Test
    void aResultThatIsASymlinkToAHostFileFailsTheBuildAndNothingIsStored() throws IOException {
        SourcePackage thief = TestSources.nativePackage(work, "bootc-test-symlink", "",
                List.of("ln -s /etc/shadow ../stolen_1.0_all.deb"));
        BuildOutcome outcome = build(thief);
        assertEquals(BuildResult.FAILURE, outcome.result(), () -> String.join("\n", outcome.logTail()));
        BuildError e = assertInstanceOf(BuildError.class, outcome.failure().orElseThrow());
        assertTrue(e.getMessage().contains("result stolen_1.0_all.deb is a symbolic link (to /etc/shadow)"),
                e.getMessage());
        assertEquals(List.of(ArtifactRef.BUILD_LOG), outcome.artifacts().stream().map(ArtifactRef::category).toList(),
                "nothing but the log is stored, not even the real .deb");
        assertFalse(workspace.store().contains(TestSources.sha256(Path.of("/etc/shadow"))),
                "the host's /etc/shadow is in the artifact store");
        SourcePackage next = TestSources.nativePackage(work, "bootc-test-after-symlink", "", List.of("true"));
        assertEquals(BuildResult.SUCCESS, build(next).result(), "the next build on the same executor");
    }

    /** A result that is a hard link (another name of a file, which could be outside the results) fails the build. */
    @Test
    void aResultThatIsAHardLinkFailsTheBuild() throws IOException {
        SourcePackage linker = TestSources.nativePackage(work, "bootc-test-hardlink", "",
                List.of("echo data > ../other-name", "ln ../other-name ../linked_1.0_all.deb"));
        BuildOutcome outcome = build(linker);
        assertEquals(BuildResult.FAILURE, outcome.result(), () -> String.join("\n", outcome.logTail()));
        assertTrue(outcome.failure().orElseThrow().getMessage().contains("result linked_1.0_all.deb is a hard link"),
                outcome.failure().orElseThrow().getMessage());
        assertEquals(List.of(ArtifactRef.BUILD_LOG), outcome.artifacts().stream().map(ArtifactRef::category).toList());
    }

    /** A 100 GB sparse file left as a result fails the build by its size, before a byte of it is read. */
    @Test
    void aHugeSparseResultFailsTheBuildWithoutBeingRead() throws IOException {
        SourcePackage huge = TestSources.nativePackage(work, "bootc-test-sparse", "",
                List.of("truncate -s 100G ../huge_1.0_all.deb"));
        long started = System.nanoTime();
        BuildOutcome outcome = build(huge);
        assertEquals(BuildResult.FAILURE, outcome.result(), () -> String.join("\n", outcome.logTail()));
        assertTrue(outcome.failure().orElseThrow().getMessage().contains("result huge_1.0_all.deb has 107374182400 bytes,"
                + " more than the 4294967296 a result may have"), outcome.failure().orElseThrow().getMessage());
        assertEquals(List.of(ArtifactRef.BUILD_LOG), outcome.artifacts().stream().map(ArtifactRef::category).toList());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) < 300, "it was read");
    }

    /**
     * An endless log line costs the executor no memory (the line is cut), and a build that writes
     * log past the limit is killed and fails naming the limit.
     */
    @Test
    void anEndlessLogLineIsCutAndALogPastTheLimitFailsTheBuild() throws IOException {
        SourcePackage chatty = TestSources.nativePackage(work, "bootc-test-endless-line", "",
                List.of("head -c 20000000 /dev/zero | tr '\\0' x", "echo", "yes 'flooding the log' | head -c "
                        + (Buildroot.LOG_LIMIT_CHARS + 1000)));
        BuildOutcome outcome = build(chatty);
        assertEquals(BuildResult.FAILURE, outcome.result(), () -> String.join("\n", outcome.logTail()));
        assertTrue(outcome.failure().orElseThrow().getMessage().contains("wrote more than " + Buildroot.LOG_LIMIT_CHARS
                + " characters of log"), outcome.failure().orElseThrow().getMessage());
        String log = log(outcome);
        // the 20 MB line is kept as its first LINE_LIMIT characters and a note of how many more there were
        assertTrue(java.util.regex.Pattern.compile("(?m)^x{" + ProcessRunner.LINE_LIMIT + "} \\[line cut: 199\\d{5}"
                + " more characters\\]$").matcher(log).find(), "the endless line was not cut");
        assertTrue(log.length() < Buildroot.LOG_LIMIT_CHARS + (1 << 20), "the log holds " + log.length());
    }

    @Test
    void theSecondBuildOnTheSameBaseRunsNoMmdebstrapAndTheSecondWithTheSameBuildDepsDownloadsNothing()
            throws IOException {
        // a build-dep outside the buildd variant; dropped from the shared cache so the first build must fetch it
        try (Stream<Path> cached = Files.list(TestWorkspace.STATE.resolve("apt-archives"))) {
            for (Path deb : cached.filter(p -> p.getFileName().toString().startsWith("hello_")).toList()) {
                Files.delete(deb);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no cache yet
        }
        SourcePackage first = TestSources.nativePackage(work, "bootc-test-deps", uniqueHello(), List.of("hello"));
        // a compose of its own: no compose repository (an earlier hello build of the "it" compose would be in it)
        String compose = "deps" + UUID.randomUUID().toString().substring(0, 8);
        BuildOutcome one = build(first, compose);
        assertEquals(BuildResult.SUCCESS, one.result(), () -> String.join("\n", one.logTail()));
        assertTrue(one.debsDownloaded() >= 1, "the first build downloads hello");
        int made = workspace.bases().made();
        BuildOutcome two = build(first, compose);
        assertEquals(BuildResult.SUCCESS, two.result(), () -> String.join("\n", two.logTail()));
        assertEquals(0, two.debsDownloaded(), "the second build takes every build-dep from the shared cache");
        assertFalse(two.baseMade());
        assertEquals(made, workspace.bases().made(), "no mmdebstrap for the second build");
    }

    /**
     * A build-dependency on hello written so no earlier build had the same relations: the
     * build-deps layer of an earlier test would otherwise stand for the install under test.
     */
    private static String uniqueHello() {
        return "hello (>= 0." + System.nanoTime() + ")";
    }

    @Test
    void theSecondBuildWithTheSameBuildDepsInstallsNothingItsBuildDepsLayerHasThem() throws IOException {
        String deps = uniqueHello();
        // the build checks that hello is really there
        SourcePackage first = TestSources.nativePackage(work, "bootc-test-layer-a", deps, List.of("hello --version"));
        SourcePackage second = TestSources.nativePackage(work.resolve("b"), "bootc-test-layer-b", deps,
                List.of("hello --version"));
        BuildOutcome one = build(first, "layer" + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(BuildResult.SUCCESS, one.result(), () -> String.join("\n", one.logTail()));
        String oneLog = log(one);
        assertTrue(oneLog.contains("Setting up hello "), "the first build installs hello");
        assertTrue(oneLog.matches("(?s).*build-deps layer [0-9a-f]{64} made from this build's install.*"), oneLog);
        // another source, another compose (with no repository of its own yet), the same relations
        java.util.List<ChrootInfo> ready = new java.util.ArrayList<>();
        BuildRequest request = TestWorkspace.request(second, suite,
                "layer" + UUID.randomUUID().toString().substring(0, 8));
        BuildOutcome two = workspace.pipeline().run(request, TestWorkspace.running(request, TIMEOUT), ready::add);
        assertEquals(BuildResult.SUCCESS, two.result(), () -> String.join("\n", two.logTail()));
        String twoLog = log(two);
        assertTrue(twoLog.matches("(?s).*build-deps layer [0-9a-f]{64} is cached.*"), twoLog);
        assertTrue(twoLog.contains("the build-deps layer over the base satisfies every build dependency"), twoLog);
        assertFalse(twoLog.contains("Setting up hello "), "nothing installed:\n" + twoLog);
        assertEquals(0, two.debsDownloaded());
        assertTrue(ready.get(0).installed().stream().anyMatch(p -> p.name().equals("hello")),
                "chroot-ready lists what the layer installed");
        // a build that also sees its compose's own packages gets no layer: apt may choose differently there
        BuildOutcome three = build(first, request.composeId().name());
        assertEquals(BuildResult.SUCCESS, three.result(), () -> String.join("\n", three.logTail()));
        String threeLog = log(three);
        assertTrue(threeLog.contains("no build-deps layer: apt also sees the compose's own repository"), threeLog);
        assertTrue(threeLog.contains("Setting up hello "), threeLog);

        // the layer's package list unreadable: dpkg-checkbuilddeps answers, for the layer, and the base is not
        // recorded as having hello (a later build without the layer would then skip the install it needs)
        java.util.regex.Matcher cached = java.util.regex.Pattern.compile("build-deps layer ([0-9a-f]{64}) is cached")
                .matcher(twoLog);
        assertTrue(cached.find());
        Path layer = workspace.bases().dir().resolve(ready.get(0).baseKey()).resolve("layers").resolve(cached.group(1));
        Files.delete(layer.resolve("installed"));
        BuildOutcome four = build(second, "layer" + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(BuildResult.SUCCESS, four.result(), () -> String.join("\n", four.logTail()));
        String fourLog = log(four);
        assertTrue(fourLog.contains("the build-deps layer over the base satisfies every build dependency: nothing to"
                + " install\n"), fourLog);
        assertFalse(fourLog.contains("Setting up hello "), fourLog);
        assertFalse(Files.exists(layer.resolveSibling(cached.group(1) + ".base-satisfies")),
                "the layer's answer was recorded as the base's");
    }

    @Test
    void aBuildWhoseBuildDepsTheBaseHasAsksDpkgNothingWhenAnEarlierBuildFoundThatOut() throws IOException {
        // no Build-Depends: the same (empty) relations as most test packages, so the base's answer is known by now
        SourcePackage once = TestSources.nativePackage(work, "bootc-test-plain-a", "", List.of("true"));
        SourcePackage again = TestSources.nativePackage(work.resolve("b"), "bootc-test-plain-b", "", List.of("true"));
        BuildOutcome first = build(once, "plain" + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(BuildResult.SUCCESS, first.result(), () -> String.join("\n", first.logTail()));
        java.util.List<ChrootInfo> ready = new java.util.ArrayList<>();
        BuildRequest request = TestWorkspace.request(again, suite,
                "plain" + UUID.randomUUID().toString().substring(0, 8));
        BuildOutcome second = workspace.pipeline().run(request, TestWorkspace.running(request, TIMEOUT), ready::add);
        assertEquals(BuildResult.SUCCESS, second.result(), () -> String.join("\n", second.logTail()));
        String log = log(second);
        assertTrue(log.contains("the base satisfies every build dependency: nothing to install (found by an earlier"
                + " build with the same build relations)"), log);
        assertFalse(log.contains("$ dpkg-checkbuilddeps"), "no check run:\n" + log);
        // chroot-ready still lists the base's packages, as dpkg-query gave them to the earlier build
        assertTrue(ready.get(0).installed().stream().anyMatch(p -> p.name().equals("dpkg")), ready.toString());
        assertTrue(ready.get(0).installed().stream().anyMatch(p -> p.name().equals("fakeroot")), ready.toString());
    }

    @Test
    void twoBuildsAtOnceBothInstallTheirBuildDepsThroughTheSharedAptCache() throws Exception {
        // slots = 2: both want hello, absent from the shared cache, at the same moment
        try (Stream<Path> cached = Files.list(TestWorkspace.STATE.resolve("apt-archives"))) {
            for (Path deb : cached.filter(p -> p.getFileName().toString().startsWith("hello_")).toList()) {
                Files.delete(deb);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no cache yet
        }
        String deps = uniqueHello();
        SourcePackage a = TestSources.nativePackage(work, "bootc-test-slot-a", deps, List.of("hello"));
        SourcePackage b = TestSources.nativePackage(work, "bootc-test-slot-b", deps, List.of("hello"));
        String compose = "slots" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch start = new CountDownLatch(1);
        CompletableFuture<BuildOutcome> one = CompletableFuture.supplyAsync(() -> {
            await(start);
            return build(a, compose);
        });
        CompletableFuture<BuildOutcome> two = CompletableFuture.supplyAsync(() -> {
            await(start);
            return build(b, compose);
        });
        start.countDown();
        BuildOutcome first = one.get(20, TimeUnit.MINUTES);
        BuildOutcome second = two.get(20, TimeUnit.MINUTES);
        assertEquals(BuildResult.SUCCESS, first.result(), () -> String.join("\n", first.logTail()));
        assertEquals(BuildResult.SUCCESS, second.result(), () -> String.join("\n", second.logTail()));
        assertTrue(log(first).contains("Setting up hello ") && log(second).contains("Setting up hello "),
                "each build installed hello in its own buildroot");
        assertTrue(first.debsDownloaded() + second.debsDownloaded() >= 1, "hello was fetched");
        try (Stream<Path> cached = Files.list(TestWorkspace.STATE.resolve("apt-archives"))) {
            assertTrue(cached.anyMatch(p -> p.getFileName().toString().startsWith("hello_")),
                    "hello is in the shared cache for the next build");
        }
        try (Stream<Path> left = Files.list(workspace.buildroots().dir())) {
            assertEquals(List.of(), left.toList(), "both buildroots are gone");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBuildPastItsTimeLimitIsKilledWithItsWholeNamespace() throws IOException {
        Workspace quick = TestWorkspace.create("it-timeout", Duration.ofSeconds(25));
        String marker = "bootc-sleeper-" + UUID.randomUUID();
        SourcePackage sleeper = TestSources.nativePackage(work, "bootc-test-sleeper", "",
                List.of("sh -c 'sleep 600; echo " + marker + "' &", "sleep 600"));
        long started = System.nanoTime();
        BuildOutcome outcome = build(sleeper, quick, Duration.ofSeconds(25), r -> {
        });
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(BuildResult.ERROR, outcome.result());
        assertInstanceOf(BuildTimeout.class, outcome.failure().orElseThrow());
        assertTrue(seconds < 60, "stopped at the limit, took " + seconds + " s");
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "no process of the build survives");
    }

    @Test
    void aCancelledBuildStopsWithinSeconds() throws Exception {
        SourcePackage sleeper = TestSources.nativePackage(work, "bootc-test-cancel", "", List.of("sleep 600"));
        BuildRequest request = TestWorkspace.request(sleeper, suite);
        RunningBuild running = TestWorkspace.running(request, TIMEOUT);
        CountDownLatch ready = new CountDownLatch(1);
        CompletableFuture<BuildOutcome> outcome = CompletableFuture.supplyAsync(
                () -> workspace.pipeline().run(request, running, r -> ready.countDown()));
        assertTrue(ready.await(5, TimeUnit.MINUTES), "chroot-ready");
        Thread.sleep(1000);
        long cancelled = System.nanoTime();
        running.cancel("compose cancelled by the test");
        BuildOutcome result = outcome.get(30, TimeUnit.SECONDS);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - cancelled) < 10);
        assertEquals(BuildResult.ERROR, result.result());
        assertInstanceOf(Cancelled.class, result.failure().orElseThrow());
    }
}
