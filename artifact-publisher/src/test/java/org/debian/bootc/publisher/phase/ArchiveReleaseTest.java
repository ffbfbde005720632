package org.debian.bootc.publisher.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReleaseTest {

    private static final String IN_RELEASE = """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA512

            Origin: Debian
            Suite: oldstable
            Codename: bookworm
            Date: Sat, 11 Jul 2026 10:16:37 UTC
            SHA256:
             515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 main/binary-amd64/Packages
            -----BEGIN PGP SIGNATURE-----

            iQ==
            -----END PGP SIGNATURE-----
            """;

    @TempDir
    Path archive;

    private void write(String text) throws IOException {
        Path file = archive.resolve("dists/bookworm/InRelease");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void theDateOfTheInReleaseIsTheSourceDateEpochAndItsHashIsOfTheFileAsServed() throws Exception {
        write(IN_RELEASE);

        ArchiveRelease release = ArchiveRelease.fetch(archive.toUri(), "bookworm");

        assertEquals(Instant.parse("2026-07-11T10:16:37Z").getEpochSecond(), release.date());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(IN_RELEASE.getBytes(StandardCharsets.UTF_8))), release.sha256());
    }

    @Test
    void anInReleaseWithoutDateSaysSo() throws Exception {
        write(IN_RELEASE.replace("Date: Sat, 11 Jul 2026 10:16:37 UTC\n", ""));

        IOException e = assertThrows(IOException.class, () -> ArchiveRelease.fetch(archive.toUri(), "bookworm"));

        assertTrue(e.getMessage().endsWith("dists/bookworm/InRelease is not a usable Release: it has no Date field"),
                e.getMessage());
    }
}
