package org.debian.bootc.debian.apt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.FileSyntaxException;

class AptSourcesTest {

    @TempDir
    Path root;

    @BeforeEach
    void dirs() throws IOException {
        Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
    }

    private void write(String path, String text) throws IOException {
        Files.writeString(root.resolve("etc/apt").resolve(path), text);
    }

    @Test
    void readsTheOneLineFormatWithOptionsAndComments() throws IOException {
        write("sources.list", """
                # the archive
                deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/fixture.gpg ] http://archive.example/debian bookworm main contrib # trailing
                deb-src http://archive.example/debian bookworm main
                deb http://security.example/debian-security bookworm-security main
                deb http://flat.example/repo ./
                deb cdrom:[Debian 12]/ bookworm main
                """);

        List<AptSource> entries = new AptSources(root).debEntries();

        assertEquals(3, entries.size(), "deb-src and the cdrom: entry left out");
        AptSource first = entries.get(0);
        assertEquals(URI.create("http://archive.example/debian/"), first.uri());
        assertEquals(List.of("bookworm"), first.suites());
        assertEquals(List.of("main", "contrib"), first.components());
        assertEquals(List.of("amd64", "arm64"), first.architectures());
        assertEquals(List.of(Path.of("/usr/share/keyrings/fixture.gpg")), first.signedBy().orElseThrow().keyrings());
        assertEquals(Optional.empty(), entries.get(1).signedBy());
        assertTrue(first.serves("bookworm", "main"));
        assertEquals(root.resolve("etc/apt/sources.list") + ":2", first.origin());
        AptSource flat = entries.get(2);
        assertTrue(flat.flat(), "deb URI dir/ is a flat repository");
        assertEquals(List.of("./"), flat.suites());
        assertEquals(List.of(), flat.components());
        assertFalse(flat.serves("./", "main"), "a flat repository has no dists/ tree to serve a suite from");
    }

    @Test
    void readsDeb822SourcesHonouringEnabledNo() throws IOException {
        write("sources.list.d/debian.sources", """
                Types: deb deb-src
                # snapshot of the day
                URIs: http://archive.example/debian http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://security.example/debian-security
                Suites: bookworm-security
                Components: main
                Enabled: no

                Types: deb-src
                URIs: http://archive.example/debian
                Suites: sid
                Components: main
                """);

        List<AptSource> entries = new AptSources(root).debEntries();

        assertEquals(2, entries.size(), "one entry per URI; disabled and deb-src-only stanzas left out");
        assertEquals(URI.create("http://mirror.example/debian/"), entries.get(1).uri());
        assertEquals(List.of("bookworm", "bookworm-updates"), entries.get(0).suites());
        assertEquals(List.of(Path.of("/usr/share/keyrings/debian-archive-keyring.gpg")),
                entries.get(0).signedBy().orElseThrow().keyrings());
    }

    @Test
    void readsAnEmbeddedKeyAndFingerprints() throws IOException {
        write("sources.list.d/inline.sources", """
                Types: deb
                URIs: http://archive.example/debian
                Suites: trixie
                Components: main
                Signed-By:
                 -----BEGIN PGP PUBLIC KEY BLOCK-----
                 .
                 mDMEZIQ=
                 -----END PGP PUBLIC KEY BLOCK-----

                Types: deb
                URIs: http://archive.example/debian
                Suites: sid
                Components: main
                Signed-By: 4d64fec119c2029067d6e791f8d2585b8783d481, B8E5F13176D2A7A75220028078DBA3BC47EF2265!
                """);

        List<AptSource> entries = new AptSources(root).debEntries();

        assertEquals("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZIQ=\n-----END PGP PUBLIC KEY BLOCK-----\n",
                entries.get(0).signedBy().orElseThrow().armoredKey().orElseThrow());
        assertEquals(List.of("4D64FEC119C2029067D6E791F8D2585B8783D481", "B8E5F13176D2A7A75220028078DBA3BC47EF2265"),
                entries.get(1).signedBy().orElseThrow().fingerprints());
    }

    @Test
    void readsFilesInNameOrderAndIgnoresOtherExtensions() throws IOException {
        write("sources.list.d/b.list", "deb http://b.example/debian bookworm main\n");
        write("sources.list.d/a.sources", "Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\n");
        write("sources.list.d/c.list.disabled-by-farm", "deb http://c.example/debian bookworm main\n");
        write("sources.list.d/d.list.save", "deb http://d.example/debian bookworm main\n");

        List<AptSource> entries = new AptSources(root).debEntries();

        assertEquals(List.of(URI.create("http://a.example/debian/"), URI.create("http://b.example/debian/")),
                entries.stream().map(AptSource::uri).toList());
    }

    @Test
    void aMachineWithoutSourcesHasNoEntries() {
        assertEquals(List.of(), new AptSources(root.resolve("nowhere")).debEntries());
    }

    @Test
    void aBrokenLineNamesFileAndLine() throws IOException {
        write("sources.list", "deb http://archive.example/debian\n");

        FileSyntaxException e = assertThrows(FileSyntaxException.class, () -> new AptSources(root).debEntries());

        assertTrue(e.getMessage().endsWith("sources.list:1: expected 'deb URI suite [component...]'"), e.getMessage());
        assertEquals(1, e.line());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "deb [arch=amd64 http://archive.example/debian bookworm main | options without closing ']'",
            "deb [trusted] http://archive.example/debian bookworm main | option 'trusted' is not key=value",
            "deb http://archive.example/debian bookworm | suite 'bookworm' names no component",
            "deb http://flat.example/repo ./ main | a flat repository (suite './' ends in '/') takes no components",
            "rpm http://archive.example/debian bookworm main | type 'rpm' is not deb or deb-src",
            "deb archive.example/debian bookworm main | URI 'archive.example/debian' has no scheme",
            "deb http://archive.example/deb ian/ bookworm main | a flat repository (suite 'ian/' ends in '/') takes no components",
            "deb http://archive.example/deb^ian bookworm main | bad URI 'http://archive.example/deb^ian': Illegal character in path",
    })
    void linesAptRefusesAreRefusedWithFileAndLine(String line, String reason) throws IOException {
        write("sources.list", "# first line\n" + line + "\n");

        FileSyntaxException e = assertThrows(FileSyntaxException.class, () -> new AptSources(root).debEntries());

        assertEquals(root.resolve("etc/apt/sources.list") + ":2: " + reason, e.getMessage());
    }

    @Test
    void deb822StanzasAptRefusesAreRefusedAtTheirFirstLine() throws IOException {
        write("sources.list.d/a.sources", "Types: deb\nURIs: http://archive.example/debian\nSuites: bookworm\n"
                + "Components: main\n\nTypes: deb\nSuites: trixie\nComponents: main\n");
        FileSyntaxException noUri = assertThrows(FileSyntaxException.class, () -> new AptSources(root).debEntries());
        assertTrue(noUri.getMessage().endsWith("a.sources:6: stanza has no URIs"), noUri.getMessage());

        write("sources.list.d/a.sources", "Types: deb\nURIs: http://archive.example/debian\nSuites: ./ bookworm\n");
        FileSyntaxException flat = assertThrows(FileSyntaxException.class, () -> new AptSources(root).debEntries());
        assertTrue(flat.getMessage().endsWith("a.sources:1: a flat repository (Suites ending in '/') has one suite"
                + " and no Components"), flat.getMessage());

        write("sources.list.d/a.sources", "URIs: http://archive.example/debian\nSuites: bookworm\n");
        FileSyntaxException noType = assertThrows(FileSyntaxException.class, () -> new AptSources(root).debEntries());
        assertTrue(noType.getMessage().endsWith("a.sources:1: stanza has no Types"), noType.getMessage());
    }

    @Test
    void aFlatDeb822RepositoryIsReadAsFlat() throws IOException {
        write("sources.list.d/local.sources", "Types: deb\nURIs: file:///srv/repo\nSuites: ./\n"
                + "Architectures: amd64 arm64\n");

        AptSource flat = new AptSources(root).debEntries().get(0);

        assertTrue(flat.flat());
        assertEquals(URI.create("file:///srv/repo/"), flat.uri());
        assertEquals(List.of("amd64", "arm64"), flat.architectures());
    }

    /** The executor's facts: both formats, disabled stanzas and other extensions, in apt's order. */
    @Test
    void readsOneLineAndDeb822EntriesInAptsOrder() throws IOException {
        write("sources.list", "# comment\ndeb-src http://src.example.invalid/debian bookworm main\n"
                + "deb [arch=amd64 signed-by=/k.gpg] http://one.example.invalid/debian bookworm-updates main\n");
        write("sources.list.d/b.sources", "Types: deb\nURIs: http://two.example.invalid/debian\n"
                + "Suites: bookworm bookworm-backports\nComponents: main contrib\n\n"
                + "Types: deb\nURIs: http://off.example.invalid/debian\nSuites: trixie\nComponents: main\nEnabled: no\n");
        write("sources.list.d/a.list", "deb file:/srv/mirror/debian/ trixie main\n");
        write("sources.list.d/c.list.disabled", "deb http://ignored.example.invalid/debian forky main\n");

        List<AptSource> entries = new AptSources(root).debEntries();

        assertEquals(List.of(URI.create("http://one.example.invalid/debian/"), URI.create("file:/srv/mirror/debian/"),
                URI.create("http://two.example.invalid/debian/")), entries.stream().map(AptSource::uri).toList());
        assertEquals(List.of("amd64"), entries.get(0).architectures());
        assertEquals(List.of(Path.of("/k.gpg")), entries.get(0).signedBy().orElseThrow().keyrings());
        assertTrue(entries.get(2).serves("bookworm-backports", "contrib"));
    }
}
