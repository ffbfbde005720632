package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.executor.failure.BuildError;
import org.debian.bootc.executor.failure.PackageManagerError;
import org.debian.bootc.executor.limits.BuildLimits;

/**
 * The attack suite against the build sandbox: one test per class of attack, each with its
 * own crafted source package, on one executor and the one base every executor IT shares.
 *
 * <p>The attacker is the strongest one a compose brings: a maintainer script, run as root
 * when a later build of the same compose installs the package as a build-dependency. Each
 * {@code postinst} tries its attack and exits 0 with {@code ATTACK SUCCEEDED} when it works,
 * else fails with the error it met; so each attack must end as a build failure (apt's install
 * failing) that names that error, change nothing on the host, and leave the executor able to
 * build the next package.
 */
class SandboxAttackIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    /** Host files the attacks aim at: world-readable and world-writable, so only the sandbox stands in the way. */
    private static final Path HOST = Path.of("/var/tmp/deb-bootc-compose-it/attack");
    /** Small limits, so hitting them takes seconds. */
    private static final BuildLimits LIMITS = new BuildLimits(256L << 20, 64, 300L << 20, Duration.ofSeconds(1));
    private static Workspace workspace;
    /** The same executor state with {@link #LIMITS}. */
    private static Workspace limited;
    private static String suite;

    @TempDir
    Path work;

    @BeforeAll
    static void workspace() throws IOException {
        workspace = TestWorkspace.create("attack", TIMEOUT);
        workspace.removeLeftovers();
        limited = TestWorkspace.create("attack-limits", TIMEOUT, LIMITS);
        limited.removeLeftovers();
        suite = TestSources.hostSuite();
        Files.createDirectories(HOST);
        Files.setPosixFilePermissions(HOST, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        org.debian.bootc.debian.fs.Trees.delete(HOST);
    }

    /**
     * Builds {@code postinst}'s package, then a package build-depending on it in the same compose,
     * whose build-deps installation runs the script; returns that second build's outcome and log.
     */
    private BuildOutcome installedAsBuildDependency(String attack, String postinst) throws IOException {
        String compose = attack + UUID.randomUUID().toString().substring(0, 8);
        String dep = "bootc-attack-" + attack;
        SourcePackage evil = TestSources.withPostinst(work.resolve("dep"), dep, "#!/bin/sh\n" + postinst + "\n");
        BuildOutcome built = build(evil, compose);
        assertEquals(BuildResult.SUCCESS, built.result(), () -> String.join("\n", built.logTail()));
        SourcePackage victim = TestSources.nativePackage(work.resolve("victim"), "bootc-attack-victim", dep,
                List.of("true"));
        return build(victim, compose);
    }

    private static BuildOutcome build(SourcePackage source, String compose) {
        BuildRequest request = TestWorkspace.request(source, suite, compose);
        return workspace.pipeline().run(request, TestWorkspace.running(request, TIMEOUT), ready -> {
        });
    }

    private static String log(BuildOutcome outcome) throws IOException {
        return Files.readString(Path.of(URI.create(outcome.logLocation().orElseThrow())));
    }

    /** The attack failed the build in apt's install, with {@code error} in the log, and did not succeed. */
    private static String assertRefused(BuildOutcome outcome, String error) throws IOException {
        String log = log(outcome);
        assertFalse(log.contains("ATTACK SUCCEEDED"), log);
        assertEquals(BuildResult.FAILURE, outcome.result(), log);
        assertInstanceOf(PackageManagerError.class, outcome.failure().orElseThrow(), log);
        assertTrue(log.contains(error), "the log names the refusal '" + error + "':\n" + log);
        return log;
    }

    private void assertTheNextBuildSucceeds() throws IOException {
        SourcePackage next = TestSources.nativePackage(work.resolve("next"), "bootc-attack-next", "", List.of("true"));
        BuildOutcome outcome = build(next, "next" + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(BuildResult.SUCCESS, outcome.result(), () -> String.join("\n", outcome.logTail()));
    }

    /** A build step that runs into a limit: it is killed and fails naming the limit; the next build succeeds. */
    private String assertStoppedAtLimit(List<String> buildCommands, String limit) throws IOException {
        SourcePackage hog = TestSources.nativePackage(work.resolve("hog"), "bootc-attack-hog", "", buildCommands);
        BuildRequest request = TestWorkspace.request(hog, suite, "limits" + UUID.randomUUID().toString().substring(0, 8));
        long started = System.nanoTime();
        BuildOutcome outcome = limited.pipeline().run(request, TestWorkspace.running(request, TIMEOUT), ready -> {
        });
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        String log = log(outcome);
        assertEquals(BuildResult.FAILURE, outcome.result(), log);
        BuildError e = assertInstanceOf(BuildError.class, outcome.failure().orElseThrow(), log);
        assertTrue(e.getMessage().contains(limit) && e.getMessage().endsWith("; the build was killed"),
                e.getMessage());
        assertTrue(seconds < 300, "stopped at the limit, took " + seconds + " s");
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("")
                .contains("bootc-attack-hog")), "no process of the build survives");
        try (var left = Files.list(limited.buildroots().dir())) {
            assertEquals(List.of(), left.toList(), "the buildroot is gone");
        }
        assertTheNextBuildSucceeds();
        return log;
    }

    @Test
    void aForkBombIsStoppedAtTheProcessLimit() throws IOException {
        assertStoppedAtLimit(List.of("sh -c 'bomb() { bomb | bomb & }; bomb'; sleep 600"),
                "process limit " + LIMITS.maxProcesses() + " reached");
    }

    @Test
    void aMemoryHogIsStoppedAtTheMemoryLimit() throws IOException {
        // tail keeps every byte of a line that never ends
        assertStoppedAtLimit(List.of("tail /dev/zero; sleep 600"), "memory limit 256 MiB reached");
    }

    @Test
    void aDiskFillerIsStoppedAtTheDiskLimit() throws IOException {
        String log = assertStoppedAtLimit(List.of("dd if=/dev/zero of=../filler bs=1M count=100000 status=none; sleep 600"),
                "disk limit 300 MiB reached");
        assertTrue(log.contains("Limits: memory 256 MiB, 64 processes (cgroup), disk 300 MiB"), log);
    }

    /** The holder of an unshare'd PID namespace is outside the chroot: its /proc/1/root was the host's /. */
    @Test
    void aMaintainerScriptCannotWriteTheHostThroughProcPidRoot() throws IOException {
        Path target = HOST.resolve("proc-root-" + UUID.randomUUID());
        BuildOutcome outcome = installedAsBuildDependency("procroot", String.join("\n",
                "for root in /proc/[0-9]*/root /proc/[0-9]*/cwd; do",
                "  if echo pwned > \"$root" + target + "\" 2>/dev/null; then echo \"ATTACK SUCCEEDED via $root\"; exit 0; fi",
                "done",
                "ls -l /proc/1/root/ >&2",
                "echo 'attack refused: no /proc/<pid>/root leads out of the chroot' >&2",
                "exit 1"));
        assertRefused(outcome, "attack refused: no /proc/<pid>/root leads out of the chroot");
        assertFalse(Files.exists(target), "the script wrote the host's " + target);
        assertTheNextBuildSucceeds();
    }

    /** The classic escape: chroot into a subdirectory, walk up past it, chroot to what is there. */
    @Test
    void aMaintainerScriptCannotEscapeWithChrootAndFchdir() throws IOException {
        Path target = HOST.resolve("chroot-escape-" + UUID.randomUUID());
        BuildOutcome outcome = installedAsBuildDependency("chroot", String.join("\n",
                "exec perl -e 'mkdir \"/jail\"; chroot(\"/jail\") or die \"attack refused: chroot: $!\\n\";"
                        + " chdir(\"..\") for 1 .. 64; chroot(\".\") or die \"attack refused: second chroot: $!\\n\";"
                        + " open(my $f, \">\", \"" + target + "\") or die \"attack refused: out, but: $!\\n\";"
                        + " print \"ATTACK SUCCEEDED\\n\"'"));
        assertRefused(outcome, "attack refused: chroot: Operation not permitted");
        assertFalse(Files.exists(target));
        assertTheNextBuildSucceeds();
    }

    /** Mounting (a file system, or a new mount namespace and user namespace of its own to mount in). */
    @Test
    void aMaintainerScriptCannotMount() throws IOException {
        BuildOutcome outcome = installedAsBuildDependency("mount", String.join("\n",
                "if mount -t tmpfs attack /mnt; then echo 'ATTACK SUCCEEDED: mount'; exit 0; fi",
                "if unshare --user --map-root-user --mount sh -c 'mount -t tmpfs attack /mnt'; then",
                "  echo 'ATTACK SUCCEEDED: unshare'; exit 0",
                "fi",
                "echo 'attack refused: no mount' >&2",
                "exit 1"));
        String log = assertRefused(outcome, "attack refused: no mount");
        assertTrue(log.contains("unshare failed: Operation not permitted"), log);
        assertTheNextBuildSucceeds();
    }

    /**
     * Sockets to the host's loopback (where the local stack's PostgreSQL trusts local connections)
     * and to the archive's host: the install runs with no network at all.
     */
    @Test
    void aMaintainerScriptCannotReachTheHostsLoopbackOrTheArchiveHost() throws Exception {
        URI archive = TestSources.hostArchive(suite);
        int archivePort = archive.getPort() > 0 ? archive.getPort() : archive.getScheme().equals("https") ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(archive.getHost(), archivePort), 10_000); // the host itself can
        }
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            BuildOutcome outcome = installedAsBuildDependency("network", String.join("\n",
                    "if bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "'; then",
                    "  echo 'ATTACK SUCCEEDED: loopback'; exit 0",
                    "fi",
                    "if bash -c 'exec 3<>/dev/tcp/" + archive.getHost() + "/" + archivePort + "'; then",
                    "  echo 'ATTACK SUCCEEDED: archive host'; exit 0",
                    "fi",
                    "echo 'attack refused: no network' >&2",
                    "exit 1"));
            assertRefused(outcome, "attack refused: no network");
            assertEquals(0, accepted.get(), "the script connected to the host's loopback");
        }
        assertTheNextBuildSucceeds();
    }

    /**
     * The publisher's signing key and the scheduler's token, as files on the host (world-readable
     * here, so only the sandbox keeps them out of reach): not by path, not through /proc.
     */
    @Test
    void aMaintainerScriptCannotReadTheSigningKeyOrTheSchedulerToken() throws IOException {
        String secret = "bootc-secret-" + UUID.randomUUID();
        Path key = HOST.resolve("signing-key-" + UUID.randomUUID() + ".asc");
        Path token = HOST.resolve("scheduler-token-" + UUID.randomUUID());
        Files.writeString(key, secret + "\n");
        Files.writeString(token, secret + "\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        BuildOutcome outcome = installedAsBuildDependency("secrets", String.join("\n",
                "for f in " + key + " " + token + " /proc/[0-9]*/root" + key + " /proc/[0-9]*/root" + token + "; do",
                "  if cat \"$f\" 2>/dev/null; then echo \"ATTACK SUCCEEDED: $f\"; exit 0; fi",
                "done",
                "echo 'attack refused: no secret in reach' >&2",
                "exit 1"));
        String log = assertRefused(outcome, "attack refused: no secret in reach");
        assertFalse(log.contains(secret), "the secret is in the log");
        assertTheNextBuildSucceeds();
    }
}
