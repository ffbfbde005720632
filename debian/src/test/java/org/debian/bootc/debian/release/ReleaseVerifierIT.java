package org.debian.bootc.debian.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real gpgv against an InRelease signed by a throw-away key that gpg makes for this class. */
class ReleaseVerifierIT {

    private static Path home;
    private static Path keyring;

    @BeforeAll
    static void key() throws Exception {
        home = Files.createTempDirectory("release-verifier-gnupg-");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        gpg("--quick-generate-key", "deb-bootc-compose fixture <fixture@example.invalid>", "ed25519", "sign", "never");
        keyring = home.resolve("fixture-keyring.gpg");
        gpg("--output", keyring.toString(), "--export");
    }

    @AfterAll
    static void agent() throws Exception {
        new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent").inheritIO().start()
                .waitFor();
    }

    private static void gpg(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""));
        argv.addAll(List.of(args));
        Process gpg = new ProcessBuilder(argv).inheritIO().start();
        assertEquals(0, gpg.waitFor(), "gpg " + argv);
    }

    @Test
    void gpgvAcceptsTheSignedFileAndRefusesATamperedCopy(@TempDir Path dir) throws Exception {
        Path release = dir.resolve("Release");
        Files.writeString(release, ReleaseTest.RELEASE.replace("Origin: Debian", "Origin: Fixture"));
        Path inRelease = dir.resolve("InRelease");
        gpg("--digest-algo", "SHA256", "--output", inRelease.toString(), "--clearsign", release.toString());
        ReleaseVerifier verifier = new ReleaseVerifier(Duration.ofSeconds(30));

        String signed = verifier.verify(inRelease, List.of(keyring), List.of());
        assertTrue(signed.startsWith("Origin: Fixture\n"), signed);
        assertTrue(signed.contains("Codename: bookworm\n"));

        Path tampered = dir.resolve("InRelease.tampered");
        Files.writeString(tampered, Files.readString(inRelease).replace("Codename: bookworm", "Codename: bookwork"));
        SignatureRejectedException e = assertThrows(SignatureRejectedException.class,
                () -> verifier.verify(tampered, List.of(keyring), List.of()));
        assertTrue(e.getMessage().contains("BAD signature from key"), e.getMessage());
        assertTrue(e.gpgv().stream().anyMatch(l -> l.startsWith("BAD signature from \"deb-bootc-compose fixture")),
                e.gpgv().toString());

        Path otherKeyring = dir.resolve("empty-keyring.gpg");
        Files.write(otherKeyring, new byte[0]);
        SignatureRejectedException wrongKey = assertThrows(SignatureRejectedException.class,
                () -> verifier.verify(inRelease, List.of(otherKeyring), List.of()));
        assertTrue(wrongKey.getMessage().contains("no good signature from a key in the keyring"),
                wrongKey.getMessage());
        assertTrue(wrongKey.gpgv().stream().anyMatch(l -> l.contains("No public key")), wrongKey.gpgv().toString());
    }
}
