package org.debian.bootc.debian.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.deb822.ClearSigned;

class ReleaseTest {

    private static final URI URI_ = URI.create("http://archive.example/debian/dists/bookworm/InRelease");

    static final String RELEASE = """
            Origin: Debian
            Label: Debian
            Suite: oldstable
            Version: 12.15
            Codename: bookworm
            Date: Sat, 11 Jul 2026 10:16:37 UTC
            Acquire-By-Hash: yes
            No-Support-for-Architecture-all: Packages
            Architectures: all amd64 arm64
            Components: main contrib non-free-firmware non-free
            Description: Debian 12.15 Released 11 July 2026
            MD5Sum:
             0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all
            SHA256:
             515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 main/binary-amd64/Packages
             6777ea16514725f9427f48c240d92e0a6b8496138e37a1491d8597e66774e309 12084798 main/binary-amd64/Packages.gz
             9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 main/binary-amd64/Packages.xz
            """;

    @Test
    void readsTheFieldsAndTheSha256Table() {
        Release release = Release.parse(RELEASE, "ab".repeat(32), URI_);

        assertEquals("oldstable", release.suite());
        assertEquals("bookworm", release.codename());
        assertEquals(Instant.parse("2026-07-11T10:16:37Z"), release.date());
        assertEquals(Optional.empty(), release.validUntil());
        assertTrue(release.acquireByHash());
        assertTrue(release.noArchAllPackages());
        assertEquals(List.of("all", "amd64", "arm64"), release.architectures());
        assertEquals(3, release.sha256().size());
        assertEquals(new Release.IndexEntry("main/binary-amd64/Packages.xz", 8790396,
                "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5"),
                release.entry("main/binary-amd64/Packages.xz").orElseThrow());
        assertTrue(release.isFor("bookworm"));
        assertTrue(release.isFor("oldstable"));
        assertFalse(release.isFor("trixie"));
    }

    @Test
    void readsNumericZonesAndValidUntil() {
        Release release = Release.parse(RELEASE.replace("Date: Sat, 11 Jul 2026 10:16:37 UTC",
                "Date: Sat, 11 Jul 2026 10:16:37 +0000\nValid-Until: Sat, 18 Jul 2026 10:16:37 UTC"), "", URI_);

        assertEquals(Instant.parse("2026-07-11T10:16:37Z"), release.date());
        assertEquals(Optional.of(Instant.parse("2026-07-18T10:16:37Z")), release.validUntil());
    }

    @Test
    void aReleaseWithoutDateOrTableIsInvalid() {
        InvalidReleaseException noDate = assertThrows(InvalidReleaseException.class,
                () -> Release.parse(RELEASE.replace("Date: Sat, 11 Jul 2026 10:16:37 UTC\n", ""), "", URI_));
        assertEquals("it has no Date field", noDate.reason());

        InvalidReleaseException badDate = assertThrows(InvalidReleaseException.class,
                () -> Release.parse(RELEASE.replace("Sat, 11 Jul 2026 10:16:37 UTC", "yesterday"), "", URI_));
        assertTrue(badDate.getMessage().endsWith("Date 'yesterday' is not a date"));

        InvalidReleaseException badLine = assertThrows(InvalidReleaseException.class,
                () -> Release.parse(RELEASE.replace(" 8790396 main", " main"), "", URI_));
        assertTrue(badLine.getMessage().contains("bad SHA256 line"), badLine.getMessage());

        InvalidReleaseException badSize = assertThrows(InvalidReleaseException.class,
                () -> Release.parse(RELEASE.replace(" 8790396 main", " 87x0396 main"), "", URI_));
        assertTrue(badSize.getMessage().contains("bad SHA256 line"), badSize.getMessage());

        InvalidReleaseException noTable = assertThrows(InvalidReleaseException.class,
                () -> Release.parse("Origin: Debian\nDate: Sat, 11 Jul 2026 10:16:37 UTC\n", "", URI_));
        assertEquals("it has no SHA256 table", noTable.reason());
        assertEquals("it is empty", assertThrows(InvalidReleaseException.class,
                () -> Release.parse("# nothing\n", "", URI_)).reason());
    }

    @Test
    void aClearSignedInReleaseIsReadThroughItsBody() {
        String inRelease = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" + RELEASE
                + "- dashed: line\n-----BEGIN PGP SIGNATURE-----\n\niQ==\n-----END PGP SIGNATURE-----\n";

        String body = ClearSigned.body(inRelease);

        assertTrue(body.startsWith("Origin: Debian\n"), body);
        assertTrue(body.endsWith("dashed: line\n"), body);
        assertEquals(Instant.parse("2026-07-11T10:16:37Z"), Release.parse(body, "", URI_).date());
        assertEquals(RELEASE, ClearSigned.body(RELEASE), "an unsigned Release is its own body");
    }
}
