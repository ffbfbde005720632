package org.debian.bootc.publisher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.publisher.apt.RepositorySigner;

/** What the real-tool tests need: a throw-away signing key and real .debs from the machine's archive. */
public final class TestTools {

    private TestTools() {
    }

    /** A new ed25519 signing key in a new GnuPG home under {@code dir}. */
    public static RepositorySigner throwAwayKey(Path dir) throws IOException {
        Path home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        ProcessRunner runner = new ProcessRunner();
        runner.run(List.of("gpg", "--homedir", home.toString(), "--batch", "--passphrase", "",
                "--quick-gen-key", "deb-bootc-compose tests <tests@invalid>", "ed25519", "sign", "never"),
                Duration.ofMinutes(1));
        String colons = runner.run(List.of("gpg", "--homedir", home.toString(), "--batch", "--with-colons",
                "--list-secret-keys"), Duration.ofMinutes(1)).stdoutText();
        String fingerprint = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst()
                .map(l -> l.split(":")[9]).orElseThrow();
        return new RepositorySigner(home, fingerprint);
    }

    /** Downloads the named binary packages with {@code apt-get download} (the machine's apt sources) into {@code dir}. */
    public static List<ArtifactRef> download(Path dir, String... packages) throws Exception {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("apt-get", "download"));
        command.addAll(List.of(packages));
        new ProcessRunner().run(Command.of(command).withTimeout(Duration.ofMinutes(5)).inDirectory(dir));
        List<ArtifactRef> refs = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).sorted().toList()) {
                refs.add(artifact(deb));
            }
        }
        return refs;
    }

    /**
     * The same package rebuilt at {@code version}: unpacked with dpkg-deb, a changelog entry added,
     * md5sums remade, packed again with dpkg-deb, as a source rebuild with a new changelog entry gives.
     */
    public static ArtifactRef rebuild(Path deb, String pkg, String version, Path dir) throws Exception {
        Path unpacked = dir.resolve("unpacked-" + version);
        // dpkg-deb -R makes its target but not the target's parent
        Files.createDirectories(dir);
        ProcessRunner runner = new ProcessRunner();
        runner.run(List.of("dpkg-deb", "-R", deb.toString(), unpacked.toString()), Duration.ofMinutes(1));
        Path control = unpacked.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceAll("(?m)^Version: .*$", "Version: " + version));
        Path changelog = unpacked.resolve("usr/share/doc/" + pkg + "/changelog.Debian.gz");
        String entry = pkg + " (" + version + ") unstable; urgency=medium\n\n  * Rebuilt by deb-bootc-compose tests.\n\n"
                + " -- Tests <tests@invalid>  Wed, 25 Nov 2026 00:00:00 +0000\n\n";
        Files.writeString(dir.resolve("entry-" + version), entry);
        runner.run(List.of("sh", "-c", "{ cat \"$2\"; zcat \"$1\"; } | gzip -n -9 > \"$1.new\" && mv \"$1.new\" \"$1\"",
                "sh", changelog.toString(), dir.resolve("entry-" + version).toString()), Duration.ofMinutes(1));
        runner.run(List.of("sh", "-c", "cd \"$1\" && find . -path ./DEBIAN -prune -o -type f -printf '%P\\0' | sort -z"
                + " | xargs -0 md5sum > DEBIAN/md5sums", "sh", unpacked.toString()), Duration.ofMinutes(1));
        Path out = dir.resolve(pkg + "_" + version + "_amd64.deb");
        runner.run(List.of("dpkg-deb", "--root-owner-group", "-b", unpacked.toString(), out.toString()), Duration.ofMinutes(1));
        return artifact(out);
    }

    /** A new architecture-all package, built with dpkg-deb, that ships one file at {@code path}. */
    public static ArtifactRef packageWith(Path dir, String pkg, String version, String path) throws Exception {
        Path root = dir.resolve(pkg);
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + pkg + "\nVersion: " + version
                + "\nArchitecture: all\nMaintainer: Tests <tests@invalid>\nDescription: test package\n");
        Files.createDirectories(root.resolve(path).getParent());
        Files.writeString(root.resolve(path), "shipped\n");
        Path out = dir.resolve(pkg + "_" + version + "_all.deb");
        new ProcessRunner().run(List.of("dpkg-deb", "--root-owner-group", "-b", root.toString(),
                out.toString()), Duration.ofMinutes(1));
        return artifact(out);
    }

    /** An artifact reference to a local file, as the executor's artifact store gives it. */
    public static ArtifactRef artifact(Path deb) throws Exception {
        byte[] bytes = Files.readAllBytes(deb);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new ArtifactRef(sha, ArtifactRef.BINARY_PACKAGE, deb.getFileName().toString(), bytes.length,
                deb.toUri().toString());
    }
}
