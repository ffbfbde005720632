package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;

/**
 * The unprivileged mode, for real: an ordinary account made here (with subordinate id
 * ranges in /etc/subuid and /etc/subgid) runs the executor's build path in a JVM of its
 * own ({@link UnprivilegedBuild}, started with {@code setpriv}); its base comes from
 * {@code mmdebstrap --mode=unshare}, its buildroot from a user namespace. The test runs
 * as root (as CI does) only to make that account.
 *
 * <p>Its state directory is {@code /var/tmp/deb-bootc-compose-it/unpriv/state} (kept, so the
 * base is made once per machine and archive state): the account must reach it, which a
 * checkout below {@code /root} would not allow.
 */
class UnprivilegedBuildIT {

    static final String USER = "bootc-unpriv-it";
    static final Path HOME = Path.of("/var/tmp/deb-bootc-compose-it/unpriv");
    private static final ProcessRunner RUN = new ProcessRunner();

    @Test
    void anOrdinaryUserWithSubordinateIdsBuildsAPackageWithNoRootOwnedFileAndNoNetwork() throws Exception {
        Path state = HOME.resolve("state");
        Path scratch = HOME.resolve("scratch-" + UUID.randomUUID());
        long[] ids = prepare(state, scratch);
        Properties outcome = runAsAccount(state, scratch, "small");
        assertEquals(USER, outcome.getProperty("user"));
        assertEquals("UNPRIVILEGED", outcome.getProperty("mode"));
        assertEquals("success", outcome.getProperty("result"),
                () -> outcome.getProperty("failure") + "\n" + outcome.getProperty("logTail"));
        String log = Files.readString(Path.of(URI.create(outcome.getProperty("log"))));
        assertTrue(log.contains("Isolation: unprivileged"), "the log names the mode");
        // (make echoes each command first: the lines below are what the commands printed)
        assertTrue(log.lines().anyMatch("BUILDER-UID=2000"::equals), "the build step ran as builder");
        assertTrue(log.lines().anyMatch("NET-REFUSED"::equals), "the build tried the archive's host");
        assertFalse(log.lines().anyMatch("NET-CONNECTED"::equals), "the build step reached the network");
        assertTrue(log.contains("Setting up hello "), "apt installed the build-dep hello in the user namespace");
        assertTrue(log.matches("(?s).*build-deps layer [0-9a-f]{64} made from this build's install.*"),
                "the install was kept as a build-deps layer:\n" + log);
        // the second build, same relations: over that layer (copied in the user namespace), nothing installed
        assertEquals("success", outcome.getProperty("second.result"), () -> outcome.getProperty("second.logTail"));
        String second = Files.readString(Path.of(URI.create(outcome.getProperty("second.log"))));
        assertTrue(second.contains("the build-deps layer over the base satisfies every build dependency"), second);
        assertFalse(second.contains("Setting up hello "), second);

        Path deb = null;
        for (String key : outcome.stringPropertyNames()) {
            String[] a = outcome.getProperty(key).split(" ");
            if (key.startsWith("artifact.") && a[0].equals(ArtifactRef.BINARY_PACKAGE)) {
                assertEquals("bootc-test-unpriv_1.0_all.deb", a[1]);
                deb = Path.of(URI.create(a[2]));
            }
        }
        assertTrue(deb != null && Files.isRegularFile(deb), "the .deb is in the artifact store: " + outcome);
        assertEquals("Package: bootc-test-unpriv\nArchitecture: all", RUN.run(Command.of("dpkg-deb", "-f",
                deb.toString(), "Package", "Architecture").withTimeout(Duration.ofMinutes(1)), LogSink.NONE).output()
                .strip());
        String contents = RUN.run(Command.of("dpkg-deb", "-c", deb.toString()).withTimeout(Duration.ofMinutes(1)),
                LogSink.NONE).output();
        assertTrue(contents.lines().allMatch(l -> l.contains(" root/root ")), contents);

        // nothing in the state directory belongs to the real root; the base's root is the first subordinate uid
        List<Path> rootOwned = new ArrayList<>();
        try (Stream<Path> all = Files.walk(state)) {
            all.forEach(p -> {
                try {
                    if (((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).intValue() == 0) {
                        rootOwned.add(p);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
        assertEquals(List.of(), rootOwned.stream().limit(20).toList(), "files of the real root in " + state);
        try (Stream<Path> bases = Files.list(state.resolve("bases"))) {
            for (Path base : bases.filter(p -> Files.isDirectory(p.resolve("root"))).toList()) {
                assertEquals(ids[2], ((Number) Files.getAttribute(base.resolve("root/etc/passwd"), "unix:uid"))
                        .longValue(), "the base's root is the first subordinate uid");
                // the account measured the whole base, as root sees it (walking it from outside counted a fraction)
                String asRoot = RUN.run(Command.of("du", "--summarize", "--bytes", "--one-file-system", "--",
                        base.resolve("root").toString()), LogSink.NONE).output().strip().split("\\s+")[0];
                assertEquals(asRoot, outcome.getProperty("baseBytes." + base.getFileName()),
                        "the size of base " + base.getFileName() + " the unprivileged executor counts");
            }
        }
        try (Stream<Path> left = Files.list(state.resolve("buildroots/unpriv-it"))) {
            assertEquals(List.of(), left.toList(), "the buildroot (subordinate ids' files) is removed");
        }
        RUN.run(Command.of("rm", "-rf", scratch.toString()), LogSink.NONE);
    }

    /**
     * Makes the account (if needed) and the directories it works in; returns its uid, gid
     * and first subordinate uid.
     */
    static long[] prepare(Path state, Path scratch) throws IOException {
        assertEquals(0, ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue(),
                "this test makes a user account: it runs as root, as CI does");
        long[] ids = account();
        Files.createDirectories(state);
        Files.createDirectories(scratch);
        for (Path p : List.of(HOME, state, scratch)) {
            Files.setAttribute(p, "unix:uid", (int) ids[0]);
            Files.setAttribute(p, "unix:gid", (int) ids[1]);
        }
        return ids;
    }

    /** Runs {@link UnprivilegedBuild} as the account with {@code setpriv}; returns the outcome it wrote. */
    static Properties runAsAccount(Path state, Path scratch, String what) throws Exception {
        Path out = scratch.resolve("outcome.properties");
        List<String> classpath = classpath(HOME.resolve("classpath"));
        List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=" + USER,
                "--init-groups", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(":", classpath), UnprivilegedBuild.class.getName(), state.toString(),
                scratch.toString(), out.toString(), what));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("jvm.out").toFile());
        builder.environment().put("HOME", HOME.toString());
        builder.environment().put("USER", USER);
        builder.environment().put("LOGNAME", USER);
        Process child = builder.start();
        child.getOutputStream().close();
        // mmdebstrap --mode=unshare once per machine (minutes on a loaded machine), then the build
        boolean finished = child.waitFor(45, TimeUnit.MINUTES);
        if (!finished) {
            ProcessRunner.killTree(child);
        }
        String jvmOut = Files.readString(scratch.resolve("jvm.out"));
        assertTrue(finished, "the unprivileged build did not end within 45 minutes:\n" + tail(jvmOut));
        assertEquals(0, child.exitValue(), () -> "the unprivileged JVM failed:\n" + tail(jvmOut));
        Properties outcome = new Properties();
        try (InputStream in = Files.newInputStream(out)) {
            outcome.load(in);
        }
        return outcome;
    }

    /** Makes the account if needed, with subordinate ranges; returns its uid, gid and first subordinate uid. */
    private static long[] account() throws IOException {
        try {
            RUN.run(Command.of("id", "-u", USER), LogSink.NONE);
        } catch (org.debian.bootc.debian.process.CommandFailedException e) {
            RUN.run(Command.of("useradd", "--no-create-home", "--home-dir", HOME.toString(), "--shell",
                    "/usr/sbin/nologin", "--user-group", USER), LogSink.NONE);
        }
        long uid = Long.parseLong(RUN.run(Command.of("id", "-u", USER), LogSink.NONE).output().strip());
        long gid = Long.parseLong(RUN.run(Command.of("id", "-g", USER), LogSink.NONE).output().strip());
        long first = subordinate(Path.of("/etc/subuid"));
        subordinate(Path.of("/etc/subgid"));
        return new long[] {uid, gid, first};
    }

    /** The account's first range in {@code file}, added after every range there when it has none. */
    private static long subordinate(Path file) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        long end = 200_000;
        for (String line : lines) {
            String[] f = line.strip().split(":");
            if (f.length == 3) {
                if (f[0].equals(USER)) {
                    return Long.parseLong(f[1]);
                }
                end = Math.max(end, Long.parseLong(f[1]) + Long.parseLong(f[2]));
            }
        }
        String text = lines.isEmpty() || Files.readString(file).endsWith("\n") ? "" : "\n";
        Files.writeString(file, text + USER + ":" + end + ":65536\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return end;
    }

    /**
     * This JVM's class path, copied where the account can read it (the Maven repository
     * below /root is not readable to it): jars once, class directories every run.
     */
    private static List<String> classpath(Path target) throws IOException {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path from = Path.of(entry);
            if (entry.isBlank() || !Files.exists(from)) {
                continue;
            }
            n++;
            if (Files.isDirectory(from)) {
                Path to = target.resolve("dir-" + n);
                RUN.run(Command.of("rm", "-rf", to.toString()), LogSink.NONE);
                RUN.run(Command.of("cp", "-r", from.toString(), to.toString()), LogSink.NONE);
                RUN.run(Command.of("chmod", "-R", "a+rX", to.toString()), LogSink.NONE);
                entries.add(to.toString());
            } else {
                Path to = target.resolve(n + "-" + from.getFileName());
                if (!Files.exists(to) || Files.size(to) != Files.size(from)
                        || Files.getLastModifiedTime(to).compareTo(Files.getLastModifiedTime(from)) < 0) {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
                }
                entries.add(to.toString());
            }
        }
        return entries;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
