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
import java.util.Map;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.publisher.phase.RepositorySigner;
import org.debian.bootc.publisher.process.ProcessRunner;

/** What the real-tool tests need: a throw-away signing key and real .debs from the machine's archive. */
public final class TestTools {

    private TestTools() {
    }

    /** A new ed25519 signing key in a new GnuPG home under {@code dir}. */
    public static RepositorySigner throwAwayKey(Path dir) throws IOException {
        Path home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        ProcessRunner runner = new ProcessRunner(dir.resolve("scratch"));
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
        new ProcessRunner(dir.resolve(".scratch")).run(command, Duration.ofMinutes(5), Map.of(), dir);
        List<ArtifactRef> refs = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path deb : files.filter(f -> f.toString().endsWith(".deb")).sorted().toList()) {
                refs.add(artifact(deb));
            }
        }
        return refs;
    }

    /** An artifact reference to a local file, as the executor's artifact store gives it. */
    public static ArtifactRef artifact(Path deb) throws Exception {
        byte[] bytes = Files.readAllBytes(deb);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new ArtifactRef(sha, ArtifactRef.BINARY_PACKAGE, deb.getFileName().toString(), bytes.length,
                deb.toUri().toString());
    }
}
