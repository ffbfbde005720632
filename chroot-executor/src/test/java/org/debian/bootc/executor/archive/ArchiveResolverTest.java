package org.debian.bootc.executor.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.executor.artifact.Sha256s;
import org.debian.bootc.executor.failure.ArchiveUnreachable;
import org.debian.bootc.executor.failure.ConfigError;
import org.debian.bootc.debian.http.Fetcher;

class ArchiveResolverTest {

    @TempDir
    Path root;

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The reading itself is {@code AptSourcesTest}'s (debian module); here: which entry the executor takes. */
    @Test
    void theMachinesArchiveIsTheFirstDebEntryNamingTheSuiteWithMain() throws IOException {
        write("etc/apt/sources.list", "# comment\ndeb-src http://src.example.invalid/debian bookworm main\n"
                + "deb [arch=amd64 signed-by=/k.gpg] http://one.example.invalid/debian bookworm-updates main\n");
        write("etc/apt/sources.list.d/b.sources", "Types: deb\nURIs: http://two.example.invalid/debian\n"
                + "Suites: bookworm bookworm-backports\nComponents: main contrib\n\n"
                + "Types: deb\nURIs: http://off.example.invalid/debian\nSuites: trixie\nComponents: main\nEnabled: no\n");
        write("etc/apt/sources.list.d/a.list", "deb file:/srv/mirror/debian/ trixie main\n");
        write("etc/apt/sources.list.d/c.list.disabled", "deb http://ignored.example.invalid/debian forky main\n");
        ArchiveResolver sources = new ArchiveResolver(Optional.empty(), new AptSources(root),
                new Fetcher(Fetcher.Limits.DEFAULTS), root.resolve("scratch"));
        assertEquals(Optional.of(URI.create("http://two.example.invalid/debian/")), sources.fromMachine("bookworm"));
        assertEquals(Optional.of(URI.create("file:/srv/mirror/debian/")), sources.fromMachine("trixie"));
        assertEquals(Optional.of(URI.create("http://one.example.invalid/debian/")),
                sources.fromMachine("bookworm-updates"));
        assertEquals(Optional.empty(), sources.fromMachine("forky"));
    }

    @Test
    void anAptSourceLineAptRefusesIsAConfigErrorNamingFileAndLine() throws IOException {
        write("etc/apt/sources.list", "deb http://machine.example.invalid/debian bookworm main\n"
                + "deb [arch=amd64 http://machine.example.invalid/debian bookworm main\n");
        ArchiveResolver machine = new ArchiveResolver(Optional.empty(), new AptSources(root),
                new Fetcher(Fetcher.Limits.DEFAULTS), root.resolve("scratch"));

        ConfigError e = assertThrows(ConfigError.class, () -> machine.archiveFor("bookworm", Optional.empty()));

        assertTrue(e.getMessage().endsWith("sources.list:2: options without closing ']'"), e.getMessage());
    }

    @Test
    void theTaskArchiveComesFirstThenConfigurationThenTheMachine() throws IOException {
        write("etc/apt/sources.list", "deb http://machine.example.invalid/debian bookworm main\n");
        Fetcher downloader = new Fetcher(Fetcher.Limits.DEFAULTS);
        AptSources host = new AptSources(root);
        ArchiveResolver configured = new ArchiveResolver(Optional.of(URI.create("http://configured.example.invalid/debian")),
                host, downloader, root.resolve("scratch"));
        ArchiveResolver machine = new ArchiveResolver(Optional.empty(), host, downloader, root.resolve("scratch"));
        assertEquals(URI.create("http://task.example.invalid/debian/"),
                configured.archiveFor("bookworm", Optional.of("http://task.example.invalid/debian")));
        assertEquals(URI.create("http://configured.example.invalid/debian/"),
                configured.archiveFor("bookworm", Optional.empty()));
        assertEquals(URI.create("http://machine.example.invalid/debian/"), machine.archiveFor("bookworm", Optional.empty()));
        ConfigError none = assertThrows(ConfigError.class, () -> machine.archiveFor("forky", Optional.empty()));
        assertTrue(none.getMessage().contains("no archive for suite 'forky'"), none.getMessage());
        ConfigError relative = assertThrows(ConfigError.class,
                () -> machine.archiveFor("bookworm", Optional.of("debian/mirror")));
        assertTrue(relative.getMessage().contains("archive 'debian/mirror' is not an absolute"), relative.getMessage());
    }

    @Test
    void theInReleaseHashIsOfWhatTheArchiveServes() throws IOException {
        write("srv/debian/dists/bookworm/InRelease", "Origin: Debian\n");
        ArchiveResolver resolver = new ArchiveResolver(Optional.empty(), new AptSources(root),
                new Fetcher(Fetcher.Limits.DEFAULTS), root.resolve("scratch"));
        assertEquals(Sha256s.of("Origin: Debian\n"),
                resolver.inReleaseSha256(root.resolve("srv/debian").toUri(), "bookworm"));
        ArchiveUnreachable missing = assertThrows(ArchiveUnreachable.class,
                () -> resolver.inReleaseSha256(root.resolve("srv/debian").toUri(), "trixie"));
        assertTrue(missing.getMessage().contains("dists/trixie/InRelease"), missing.getMessage());
    }
}
