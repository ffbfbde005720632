package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;

class ReleaseVerifierTest {

    private static final String GOOD_A = """
            [GNUPG:] NEWSIG
            [GNUPG:] GOODSIG 6ED0E7B82643E131 Debian Archive Automatic Signing Key (12/bookworm)
            [GNUPG:] VALIDSIG 4CB50190207B4758A3F73A796ED0E7B82643E131 2026-07-11 1783765031 0 4 0 1 8 01 B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8
            """;
    private static final String NO_PUBKEY = """
            [GNUPG:] NEWSIG
            [GNUPG:] ERRSIG 78DBA3BC47EF2265 1 8 01 1783765032 9 B8E5F13176D2A7A75220028078DBA3BC47EF2265
            [GNUPG:] NO_PUBKEY 78DBA3BC47EF2265
            """;

    @Test
    void oneGoodSignatureSufficesWhenTheOthersAreByUnknownKeys() {
        assertNull(ReleaseVerifier.judge(GOOD_A + NO_PUBKEY, List.of()));
    }

    @Test
    void aBadSignatureFailsEvenBesideAGoodOne() {
        assertEquals("BAD signature from key 78DBA3BC47EF2265", ReleaseVerifier.judge(
                GOOD_A + "[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 78DBA3BC47EF2265 Debian\n", List.of()));
    }

    @Test
    void noKnownKeyOrAnExpiredKeyIsNoGoodSignature() {
        assertEquals("no good signature from a key in the keyring", ReleaseVerifier.judge(NO_PUBKEY, List.of()));
        assertEquals("no usable signature (EXPKEYSIG 6ED0E7B82643E131)", ReleaseVerifier.judge("""
                [GNUPG:] EXPKEYSIG 6ED0E7B82643E131 Debian
                [GNUPG:] VALIDSIG 4CB50190207B4758A3F73A796ED0E7B82643E131 2026-07-11 1783765031 0 4 0 1 8 01 B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8
                """, List.of()));
    }

    @Test
    void signedByFingerprintsRestrictTheSigner() {
        assertNull(ReleaseVerifier.judge(GOOD_A, List.of("B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8")),
                "the primary key's fingerprint admits its subkey's signature");
        assertTrue(ReleaseVerifier.judge(GOOD_A, List.of("4D64FEC119C2029067D6E791F8D2585B8783D481"))
                .startsWith("signed by [4CB50190207B4758A3F73A796ED0E7B82643E131"));
    }

    @Test
    void dearmorsAKeyBlock() {
        byte[] key = {(byte) 0x99, 0x01, 0x0d, 0x04, 0x5f, 0x00, 0x42, 0x13, 0x37};
        String b64 = Base64.getEncoder().encodeToString(key);
        String armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: fixture\n\n" + b64.substring(0, 4) + "\n"
                + b64.substring(4) + "\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n";

        assertArrayEquals(key, ReleaseVerifier.dearmor(armored));
        assertTrue(ReleaseVerifier.isArmored(armored.getBytes()));
    }

    @Test
    void gpgvAcceptsTheSignedFileAndRefusesATamperedCopy(@TempDir Path dir) throws Exception {
        FixtureArchive archive = new FixtureArchive(dir, "bookworm").index("main/binary-amd64/Packages", "").write();
        ReleaseVerifier verifier = new ReleaseVerifier(new ProcessRunner(Duration.ofSeconds(30)));
        Path inRelease = archive.dists().resolve("InRelease");
        URI uri = inRelease.toUri();

        String signed = verifier.verify(uri, inRelease, List.of(archive.keyring()), List.of());
        assertTrue(signed.startsWith("Origin: Fixture\n"), signed);
        assertTrue(signed.contains("Codename: bookworm\n"));

        Path tampered = dir.resolve("InRelease.tampered");
        Files.writeString(tampered, Files.readString(inRelease).replace("Codename: bookworm", "Codename: bookwork"));
        ArchiveException.SignatureInvalid e = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> verifier.verify(uri, tampered, List.of(archive.keyring()), List.of()));
        assertTrue(e.getMessage().contains("BAD signature from key"), e.getMessage());
        assertTrue(e.gpgv().stream().anyMatch(l -> l.startsWith("BAD signature from \"deb-bootc-compose fixture")),
                e.gpgv().toString());
        assertEquals("signature-invalid", e.code());

        ArchiveException.SignatureInvalid wrongKey = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> verifier.verify(uri, inRelease,
                        List.of(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")), List.of()));
        assertTrue(wrongKey.getMessage().contains("no good signature from a key in the keyring"),
                wrongKey.getMessage());
        assertTrue(wrongKey.gpgv().stream().anyMatch(l -> l.contains("No public key")), wrongKey.gpgv().toString());
    }
}
