package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.apt.SignedBy;
import org.debian.bootc.debian.release.ReleaseVerifier;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;

/** Real apt-get against the hand-written fixture archive: milliseconds per resolution. */
class AptResolverTest {

    @TempDir
    static Path dir;

    private static ArchiveSnapshot snapshot;
    private static final ProcessRunner TOOLS = new ProcessRunner(Duration.ofSeconds(60));

    @BeforeAll
    static void archive() {
        FixtureArchive fixture = new FixtureArchive(dir.resolve("archive"), "bookworm")
                .index("main/binary-amd64/Packages", Fixtures.PACKAGES_AMD64)
                .index("main/source/Sources", Fixtures.SOURCES)
                .write();
        ArchiveClient client = new ArchiveClient(new IndexCache(dir.resolve("cache")),
                new ReleaseVerifier(Duration.ofMinutes(1)), TOOLS, Clock.systemUTC(), ArchiveClient.Options.defaults());
        snapshot = client.snapshot(new Archive(fixture.root().toUri(), Optional.of(SignedBy.keyring(fixture.keyring())),
                "test"), "bookworm", IndexSelection.main(List.of("amd64")));
    }

    private static AptResolver resolver(BaseVariant base) {
        return new AptResolver(TOOLS, dir.resolve("work"), base);
    }

    @Test
    void resolvesTheClosureWithTheRequiredBase() throws Exception {
        List<PackageId> resolved = resolver(BaseVariant.REQUIRED).resolve(snapshot, "amd64", List.of("hello"));

        assertEquals(List.of(
                new PackageId("base-files", "12.4+deb12u1", "amd64"),
                new PackageId("hello", "2.10-3", "amd64"),
                new PackageId("libc6", "2.36-9+deb12u4", "amd64"),
                new PackageId("mawk", "1.3.4.20200120-3.1", "amd64")), resolved);
        try (Stream<Path> left = Files.list(dir.resolve("work"))) {
            assertEquals(0, left.count(), "the private apt root is removed");
        }
    }

    @Test
    void aCustomBaseIsOnlyTheListAndItsDependencies() {
        assertEquals(List.of("hello", "libc6"), names(resolver(BaseVariant.CUSTOM).resolve(snapshot, "amd64",
                List.of("hello"))));
        assertEquals(List.of("base-files", "hello", "libc6"), names(resolver(BaseVariant.ESSENTIAL).resolve(snapshot,
                "amd64", List.of("hello"))));
    }

    @Test
    void aVirtualNameWithOneProviderResolvesToTheProvider() {
        List<PackageId> resolved = resolver(BaseVariant.CUSTOM).resolve(snapshot, "amd64",
                List.of("documentation"));

        assertEquals(List.of(new PackageId("docs-all", "1.0-1+b1", "all")), resolved);
    }

    @Test
    void anUnknownPackageIsNamedByApt() {
        ArchiveException.UnknownPackages e = assertThrows(ArchiveException.UnknownPackages.class,
                () -> resolver(BaseVariant.REQUIRED).resolve(snapshot, "amd64",
                        List.of("hello", "no-such-package", "nor-this")));

        assertEquals(List.of("no-such-package", "nor-this"), e.packages());
        assertEquals("unknown package(s) on amd64: no-such-package, nor-this\n"
                + "  E: Unable to locate package no-such-package\n"
                + "  E: Unable to locate package nor-this", e.getMessage());
    }

    @Test
    void conflictingPackagesQuoteAptsUnmetDependencies() {
        ArchiveException.UnmetDependencies e = assertThrows(ArchiveException.UnmetDependencies.class,
                () -> resolver(BaseVariant.REQUIRED).resolve(snapshot, "amd64", List.of("hello", "hello-traditional")));

        assertEquals("The following packages have unmet dependencies:", e.aptLines().get(0));
        assertTrue(e.aptLines().contains(" hello : Conflicts: hello-traditional but 2.10-6 is to be installed"),
                e.aptLines().toString());
        assertTrue(e.getMessage().startsWith("the package list cannot be installed on amd64:\n"
                + "  The following packages have unmet dependencies:\n"), e.getMessage());
        assertEquals("unmet-dependencies", e.code());
    }

    @Test
    void aDependencyNobodyShipsIsUnmet() {
        ArchiveException.UnmetDependencies e = assertThrows(ArchiveException.UnmetDependencies.class,
                () -> resolver(BaseVariant.CUSTOM).resolve(snapshot, "amd64", List.of("needs-missing")));

        assertTrue(e.aptLines().contains(" needs-missing : Depends: not-in-the-archive but it is not installable"),
                e.aptLines().toString());
    }

    @Test
    void namesThatAreNotPackageNamesNeverReachApt() {
        ArchiveException.UnknownPackages e = assertThrows(ArchiveException.UnknownPackages.class,
                () -> resolver(BaseVariant.CUSTOM).resolve(snapshot, "amd64", List.of("hello", "-oDebug::X=1", "?all")));

        assertEquals(List.of("-oDebug::X=1", "?all"), e.packages());
    }

    @Test
    void anArchitectureTheSnapshotLacksIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> resolver(BaseVariant.CUSTOM).resolve(snapshot, "arm64", List.of("hello")));
    }

    @Test
    void readsInstLines() {
        String out = """
                Reading package lists...
                Inst gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [amd64])
                Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [amd64]) []
                Inst libfoo:i386 [1.0] (1.1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [i386])
                Inst adduser (3.134 Debian:12.15/oldstable [all])
                Conf adduser (3.134 Debian:12.15/oldstable [all])
                """;

        assertEquals(List.of(new PackageId("adduser", "3.134", "all"),
                new PackageId("gcc-12-base", "12.2.0-14+deb12u1", "amd64"),
                new PackageId("libc6", "2.36-9+deb12u14", "amd64"),
                new PackageId("libfoo", "1.1", "i386")), AptResolver.parse(out));
    }

    @Test
    void anyOtherAptFailureQuotesApt() {
        CommandResult result = new CommandResult(List.of("apt-get"), 100, "E: Package 'mail-transport-agent' has no installation candidate\n", """
                Reading package lists...
                Building dependency tree...
                Package mail-transport-agent is a virtual package provided by:
                  postfix 3.7.11-0+deb12u1
                  exim4-daemon-light 4.96-15+deb12u10

                """.getBytes(StandardCharsets.UTF_8), List.of(), Duration.ZERO);

        ArchiveException e = AptResolver.failure("amd64", result);

        assertInstanceOf(ArchiveException.ResolverFailed.class, e);
        assertEquals("apt could not resolve the package list on amd64: \n"
                + "  Package mail-transport-agent is a virtual package provided by:\n"
                + "    postfix 3.7.11-0+deb12u1\n"
                + "    exim4-daemon-light 4.96-15+deb12u10\n"
                + "  E: Package 'mail-transport-agent' has no installation candidate", e.getMessage());
    }

    @Test
    void theConfigurationPointsEveryDirectoryIntoThePrivateRoot() {
        String conf = AptResolver.aptConf(Path.of("/r"), "arm64", "/k.gpg");

        assertTrue(conf.contains("Dir::State::status \"/r/var/lib/dpkg/status\";\n"), conf);
        assertTrue(conf.contains("Dir::Etc::main \"/dev/null\";\n"), conf);
        assertTrue(conf.contains("Dir::Etc::Trusted \"/k.gpg\";\n"), conf);
        assertTrue(conf.contains("APT::Architectures { \"arm64\"; };\n"), conf);
        assertTrue(conf.contains("Debug::NoLocking \"true\";\n"), conf);
        assertTrue(conf.lines().filter(l -> l.startsWith("Dir")).allMatch(l -> l.contains("\"/r/")
                || l.contains("\"\"") || l.contains("/dev/null") || l.contains("/k.gpg")), conf);
    }

    private static List<String> names(List<PackageId> packages) {
        return packages.stream().map(PackageId::name).toList();
    }
}
