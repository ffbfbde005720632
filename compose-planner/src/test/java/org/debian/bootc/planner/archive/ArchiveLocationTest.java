package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.apt.SignedBy;
import org.debian.bootc.debian.apt.AptSources;

class ArchiveLocationTest {

    @TempDir
    Path root;

    @BeforeEach
    void machine() throws IOException {
        Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
        Files.writeString(root.resolve("etc/apt/sources.list"), """
                deb http://other.example/debian bookworm contrib
                """);
        Files.writeString(root.resolve("etc/apt/sources.list.d/debian.sources"), """
                Types: deb
                URIs: http://archive.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://security.example/debian-security
                Suites: bookworm-security
                Components: main
                """);
    }

    private ArchiveLocation location() {
        return new ArchiveLocation(new AptSources(root), Optional.empty());
    }

    @Test
    void takesTheEntryThatServesTheSuiteWithMain() {
        Archive archive = location().forSuite("bookworm");

        assertEquals(URI.create("http://archive.example/debian/"), archive.uri(), "the contrib-only entry is passed over");
        assertEquals(Optional.of(SignedBy.keyring(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg"))),
                archive.signedBy());
        assertTrue(archive.origin().endsWith("debian.sources"));
        assertEquals(URI.create("http://security.example/debian-security/"),
                location().forSuite("bookworm-security").uri());
    }

    @Test
    void aSuiteTheMachineDoesNotListGoesWhereSuitesOfItsKindGo() {
        assertEquals(URI.create("http://archive.example/debian/"), location().forSuite("trixie").uri());
        assertEquals(URI.create("http://archive.example/debian/"), location().forSuite("bookwork").uri());
        assertEquals(URI.create("http://security.example/debian-security/"),
                location().forSuite("trixie-security").uri());
        assertEquals(URI.create("http://archive.example/debian/"), location().forSuite("trixie-updates").uri());
    }

    @Test
    void aConfiguredMirrorServesEverySuite() {
        ArchiveLocation location = new ArchiveLocation(new AptSources(root),
                Optional.of(URI.create("http://mirror.example/debian")));

        Archive archive = location.forSuite("bookworm-security");

        assertEquals(URI.create("http://mirror.example/debian/"), archive.uri());
        assertEquals(Optional.empty(), archive.signedBy());
        assertEquals("configuration", archive.origin());
    }

    @Test
    void noEntryOfTheKindIsAPreciseError() {
        ArchiveException e = assertThrows(ArchiveException.NoArchiveConfigured.class,
                () -> location().forSuite("bookworm-backports"));

        assertEquals("no archive for suite 'bookworm-backports': no deb entry with component main names it or a"
                + " suite like it, and no mirror is configured", e.getMessage());
        assertEquals("archive-not-configured", e.code());
    }

    @Test
    void aBrokenAptSourceFailsThePlanNamingFileAndLine() throws IOException {
        Files.writeString(root.resolve("etc/apt/sources.list.d/flat.list"), "deb http://flat.example/repo ./ main\n");

        ArchiveException e = assertThrows(ArchiveException.MalformedIndex.class, () -> location().forSuite("bookworm"));

        assertEquals("index-malformed", e.code());
        assertTrue(e.getMessage().endsWith("flat.list:1: a flat repository (suite './' ends in '/') takes no components"),
                e.getMessage());
    }

    @Test
    void aFlatRepositoryIsNeverTheArchiveOfASuite() throws IOException {
        Files.writeString(root.resolve("etc/apt/sources.list"), "deb http://flat.example/repo ./\n");

        assertEquals(URI.create("http://archive.example/debian/"), location().forSuite("bookworm").uri());
    }
}
