package org.debian.bootc.debian.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void aGpgvThatFailsOrHangsIsAnErrorNotAVerdict(@TempDir Path dir) throws Exception {
        Path broken = script(dir.resolve("broken-gpgv"), "echo 'gpgv: fatal: out of cheese' >&2; exit 3");
        Path hung = script(dir.resolve("hung-gpgv"), "exec sleep 30");
        Path file = Files.writeString(dir.resolve("InRelease"), "Origin: Fixture\n");

        UncheckedIOException failed = assertThrows(UncheckedIOException.class,
                () -> new ReleaseVerifier(Duration.ofSeconds(10), broken.toString()).verify(file, List.of(), List.of()));
        assertTrue(failed.getMessage().contains("gpgv exited with 3: fatal: out of cheese"), failed.getMessage());

        UncheckedIOException timedOut = assertThrows(UncheckedIOException.class,
                () -> new ReleaseVerifier(Duration.ofMillis(200), hung.toString()).verify(file, List.of(), List.of()));
        assertTrue(timedOut.getMessage().contains("gpgv did not finish within PT0.2S"), timedOut.getMessage());
    }

    private static Path script(Path path, String body) throws Exception {
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        return path;
    }
}
