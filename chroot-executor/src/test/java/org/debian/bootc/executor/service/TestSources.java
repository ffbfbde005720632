package org.debian.bootc.executor.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.executor.archive.ArchiveResolver;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;

/** Source packages for tests: native ones made here with dpkg-source, and the real archive's. */
public final class TestSources {

    private TestSources() {
    }

    /**
     * A "3.0 (native)" source package whose {@code build-arch} target runs {@code buildCommands}
     * (make recipe lines) and whose {@code binary-arch} makes one tiny .deb.
     */
    public static SourcePackage nativePackage(Path workDir, String name, String buildDepends, List<String> buildCommands)
            throws IOException {
        return nativePackage(workDir, name, "any", buildDepends, buildCommands);
    }

    /** As {@link #nativePackage(Path, String, String, List)}, its binary package of {@code architecture} (any, all). */
    public static SourcePackage nativePackage(Path workDir, String name, String architecture, String buildDepends,
            List<String> buildCommands) throws IOException {
        return nativePackage(workDir, name, architecture, buildDepends, buildCommands, Optional.empty());
    }

    /**
     * A package whose one binary has {@code postinst} as its maintainer script: what runs as root
     * when a later build of the same compose installs it as a build-dependency.
     */
    public static SourcePackage withPostinst(Path workDir, String name, String postinst) throws IOException {
        return nativePackage(workDir, name, "any", "", List.of("true"), Optional.of(postinst));
    }

    private static SourcePackage nativePackage(Path workDir, String name, String architecture, String buildDepends,
            List<String> buildCommands, Optional<String> postinst) throws IOException {
        Path tree = workDir.resolve(name + "-1.0");
        Files.createDirectories(tree.resolve("debian/source"));
        Files.writeString(tree.resolve("debian/source/format"), "3.0 (native)\n");
        Files.writeString(tree.resolve("debian/control"), "Source: " + name + "\nSection: misc\nPriority: optional\n"
                + "Maintainer: Test <test@example.invalid>\n"
                + (buildDepends.isBlank() ? "" : "Build-Depends: " + buildDepends + "\n")
                + "Standards-Version: 4.6.2\nRules-Requires-Root: no\n\n"
                + "Package: " + name + "\nArchitecture: " + architecture + "\nDescription: executor test package\n a test\n");
        Files.writeString(tree.resolve("debian/changelog"), name + " (1.0) unstable; urgency=medium\n\n"
                + "  * Test package.\n\n -- Test <test@example.invalid>  Tue, 24 Nov 2026 12:00:00 +0000\n");
        StringBuilder rules = new StringBuilder("#!/usr/bin/make -f\n\nbuild build-arch build-indep:\n");
        for (String line : buildCommands) {
            rules.append('\t').append(line).append('\n');
        }
        rules.append("\nbinary binary-arch binary-indep: build-arch\n")
                .append("\tmkdir -p debian/tmp/DEBIAN debian/tmp/usr/share/doc/").append(name).append('\n')
                .append(postinst.isPresent() ? "\tinstall -m 0755 debian/postinst debian/tmp/DEBIAN/postinst\n" : "")
                .append("\tdpkg-gencontrol -p").append(name).append(" -Pdebian/tmp\n")
                .append("\tdpkg-deb --root-owner-group --build debian/tmp ..\n")
                .append("\nclean:\n\trm -rf debian/tmp debian/files\n");
        if (postinst.isPresent()) {
            Files.writeString(tree.resolve("debian/postinst"), postinst.get());
        }
        Path rulesFile = tree.resolve("debian/rules");
        Files.writeString(rulesFile, rules);
        Files.setPosixFilePermissions(rulesFile, PosixFilePermissions.fromString("rwxr-xr-x"));
        new ProcessRunner().run(Command.of("sh", "-c", "cd \"$1\" && dpkg-source -b \"$2\"", "pack",
                workDir.toString(), tree.getFileName().toString()), LogSink.NONE);
        Path dsc = workDir.resolve(name + "_1.0.dsc");
        Path tarball = workDir.resolve(name + "_1.0.tar.xz");
        return new SourcePackage(name, "1.0", dsc.getFileName().toString(), List.of(file(dsc), file(tarball)));
    }

    private static SourceFile file(Path path) throws IOException {
        return new SourceFile(path.getFileName().toString(), sha256(path), Files.size(path), path.toUri().toString());
    }

    static String sha256(Path path) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A build task of {@code source} for amd64 in {@code compose} (attempt 1, build type any), against this
     * machine's suite and archive with the archive's current InRelease hash, as the scheduler dispatches it.
     */
    public static BuildTaskDispatched hostTask(ComposeId compose, SourcePackage source) throws IOException {
        String suite = hostSuite();
        URI archive = hostArchive(suite);
        String inRelease = new ArchiveResolver(Optional.empty(), AptSources.ofMachine(),
                new Fetcher(Fetcher.Limits.DEFAULTS), Files.createTempDirectory("inrelease"))
                .inReleaseSha256(archive, suite);
        TaskId id = new TaskId(compose.value() + ":" + source.name() + ":amd64-" + UUID.randomUUID());
        return new BuildTaskDispatched(id, 1, compose, source, "amd64", suite, archive.toString(), inRelease,
                BuildType.ANY, null, "c".repeat(64), Instant.now().plus(Duration.ofHours(1)), List.of());
    }

    /** The machine's archive for {@code suite} (its apt configuration). */
    public static URI hostArchive(String suite) {
        return new ArchiveResolver(Optional.empty(), AptSources.ofMachine(), new Fetcher(Fetcher.Limits.DEFAULTS),
                Path.of(System.getProperty("java.io.tmpdir"))).fromMachine(suite)
                .orElseThrow(() -> new IllegalStateException("this machine's apt sources name no archive for " + suite));
    }

    /** The host's suite (VERSION_CODENAME of /etc/os-release). */
    public static String hostSuite() throws IOException {
        return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("VERSION_CODENAME="))
                .map(l -> l.substring("VERSION_CODENAME=".length()).replace("\"", "")).findFirst()
                .orElseThrow(() -> new IllegalStateException("/etc/os-release has no VERSION_CODENAME"));
    }

    /**
     * A source package as the archive's Sources index for {@code suite} main lists it
     * (newest stanza of that name), with absolute URIs into the archive's pool: what the
     * planner's SourceIndex hands a task.
     */
    public static SourcePackage fromArchive(URI archive, String suite, String name, Path scratch) throws IOException {
        Files.createDirectories(scratch);
        Path xz = scratch.resolve("Sources.xz");
        new Fetcher(Fetcher.Limits.DEFAULTS).fetch(archive.resolve("dists/" + suite + "/main/source/Sources.xz"), xz);
        Path plain = scratch.resolve("Sources");
        // to a file: the runner keeps only the last megabyte of what a program prints
        new ProcessRunner().run(Command.of("sh", "-c", "xz -dc \"$1\" > \"$2\"", "unxz", xz.toString(),
                plain.toString()), LogSink.NONE);
        String text = Files.readString(plain);
        for (String stanza : text.split("\n\n")) {
            if (!stanza.startsWith("Package: " + name + "\n")) {
                continue;
            }
            String version = field(stanza, "Version").orElseThrow();
            String directory = field(stanza, "Directory").orElseThrow();
            List<SourceFile> files = new ArrayList<>();
            boolean inSha = false;
            String dsc = null;
            for (String line : stanza.split("\n")) {
                if (line.startsWith("Checksums-Sha256:")) {
                    inSha = true;
                    continue;
                }
                if (inSha && line.startsWith(" ")) {
                    String[] w = line.strip().split("\\s+");
                    files.add(new SourceFile(w[2], w[0], Long.parseLong(w[1]),
                            archive.resolve(directory + "/" + w[2]).toString()));
                    if (w[2].endsWith(".dsc")) {
                        dsc = w[2];
                    }
                } else {
                    inSha = false;
                }
            }
            return new SourcePackage(name, version, dsc, files);
        }
        throw new IllegalStateException("the " + suite + " Sources index of " + archive + " has no " + name);
    }

    private static Optional<String> field(String stanza, String name) {
        return stanza.lines().filter(l -> l.startsWith(name + ": ")).map(l -> l.substring(name.length() + 2).strip())
                .findFirst();
    }
}
