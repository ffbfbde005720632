package org.debian.bootc.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.archive.AptResolver;
import org.debian.bootc.planner.archive.ArchiveClient;
import org.debian.bootc.planner.archive.ArchiveLocation;
import org.debian.bootc.planner.archive.BaseVariant;
import org.debian.bootc.planner.archive.FixtureArchive;
import org.debian.bootc.planner.archive.Fixtures;
import org.debian.bootc.planner.archive.IndexCache;
import org.debian.bootc.planner.manifest.Manifest;
import org.debian.bootc.planner.manifest.ManifestReader;
import org.debian.bootc.planner.manifest.MediaKind;

import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.debian.release.ReleaseVerifier;

/**
 * Planning against a hand-written archive on disk, with real gpgv and apt: each way
 * the archive can refuse a manifest gives its own violation, at the member at fault.
 */
class ComposePlanningTest {

    /** Two sources that build-depend on each other, and one that depends on hello's Sources sibling. */
    private static final String MORE_SOURCES = """

            Package: alpha
            Binary: alpha-dev
            Version: 1.0-1
            Build-Depends: debhelper-compat (= 13), beta-dev
            Architecture: any
            Checksums-Sha256:
             4444444444444444444444444444444444444444444444444444444444444444 900 alpha_1.0-1.dsc
            Directory: pool/main/a/alpha

            Package: beta
            Binary: beta-dev
            Version: 2.0-1
            Build-Depends: alpha-dev
            Architecture: any
            Checksums-Sha256:
             5555555555555555555555555555555555555555555555555555555555555555 900 beta_2.0-1.dsc
            Directory: pool/main/b/beta

            Package: gamma
            Binary: gamma
            Version: 3.0-1
            Build-Depends: libc6-dev, beta-dev
            Architecture: any
            Checksums-Sha256:
             6666666666666666666666666666666666666666666666666666666666666666 900 gamma_3.0-1.dsc
            Directory: pool/main/g/gamma
            """;

    private static final String DSC = """
            Format: 3.0 (quilt)
            Source: local-tool
            Binary: local-tool
            Architecture: any
            Version: 0.1-1
            Build-Depends: debhelper-compat (= 13)
            Checksums-Sha256:
             %s 1000 local-tool_0.1.orig.tar.gz
            """.formatted("7".repeat(64));

    @TempDir
    static Path dir;

    private static ComposePlanning planning;
    private static URI archive;
    private static Path keyring;
    private static Path dsc;
    private static String dscSha;

    @BeforeAll
    static void archive() throws Exception {
        FixtureArchive fixture = new FixtureArchive(dir.resolve("archive"), "bookworm")
                .index("main/binary-amd64/Packages", Fixtures.PACKAGES_AMD64)
                .index("main/binary-arm64/Packages", Fixtures.PACKAGES_AMD64.replace("amd64", "arm64"))
                .index("main/source/Sources", Fixtures.SOURCES + MORE_SOURCES)
                .write();
        archive = fixture.root().toUri();
        keyring = fixture.keyring();
        dsc = dir.resolve("local-tool_0.1-1.dsc");
        Files.writeString(dsc, DSC);
        dscSha = IndexCache.sha256(DSC.getBytes(StandardCharsets.UTF_8));
        ProcessRunner tools = new ProcessRunner(Duration.ofSeconds(60));
        ArchiveClient client = new ArchiveClient(new IndexCache(dir.resolve("cache")),
                new ReleaseVerifier(Duration.ofMinutes(1)), tools, Clock.systemUTC(),
                new ArchiveClient.Options(fixture.keyring(), false, Duration.ofSeconds(30)));
        planning = new ComposePlanning(new ArchiveLocation(new AptSources(dir.resolve("no-apt")), Optional.of(archive)),
                client, new AptResolver(tools, dir.resolve("work"), BaseVariant.REQUIRED));
    }

    private static Manifest manifest(String yaml) throws Exception {
        return new ManifestReader().read("name: t\nversion: \"1\"\nsuite: bookworm\n" + yaml, MediaKind.YAML);
    }

    private static List<Violation> refused(String yaml) throws Exception {
        return assertInstanceOf(PlanOutcome.Refused.class, planning.plan(manifest(yaml))).violations();
    }

    /** A manifest rebuilding the test's .dsc, given its sha256 and its orig tarball's. */
    private static String dscRebuild(String dscSha256, String origSha256) {
        return """
                architectures: [amd64]
                packages: [hello]
                rebuild:
                  - dsc:
                      location: "%s"
                      sha256: "%s"
                      files:
                        - name: local-tool_0.1.orig.tar.gz
                          location: "file:///srv/local-tool_0.1.orig.tar.gz"
                          sha256: "%s"
                          size: 1000
                """.formatted(dsc.toUri(), dscSha256, origSha256);
    }

    private static Violation only(List<Violation> violations) {
        assertEquals(1, violations.size(), violations.toString());
        return violations.get(0);
    }

    @Test
    void aPlanResolvesEveryArchitectureAndOrdersTheRebuildSet() throws Exception {
        PlanOutcome.Planned planned = assertInstanceOf(PlanOutcome.Planned.class, planning.plan(manifest("""
                architectures: [amd64, arm64]
                packages: [hello]
                rebuild:
                  - source: hello
                """)));

        assertEquals(List.of("amd64", "arm64"), List.copyOf(planned.packageSet().architectures().keySet()));
        assertTrue(planned.packageSet().architectures().get("arm64").stream()
                .anyMatch(p -> p.name().equals("hello") && p.architecture().equals("arm64")));
        ComposeId id = new ComposeId("t-1-20250131.0");
        List<PackageBuildQueued> events = planned.buildPlan(id).toEvents(archive.toString());
        assertEquals(List.of("t-1-20250131.0:hello:amd64", "t-1-20250131.0:hello:arm64"),
                events.stream().map(e -> e.taskId().value()).toList());
        PackageBuildQueued first = events.get(0);
        assertEquals(archive.resolve("pool/main/h/hello/hello_2.10-3.dsc").toString(),
                first.source().files().get(0).location());
        assertEquals("2.10-3", first.source().version(), "the newest version when none is asked for");
    }

    @Test
    void sourceFilesAreLocatedUnderTheArchiveRootWrittenWithoutItsTrailingSlash() throws Exception {
        ProcessRunner tools = new ProcessRunner(Duration.ofSeconds(60));
        URI bare = URI.create(archive.toString().replaceAll("/$", ""));
        ComposePlanning planning = new ComposePlanning(new ArchiveLocation(new AptSources(dir.resolve("no-apt")),
                Optional.of(bare)), new ArchiveClient(
                        new IndexCache(dir.resolve("cache")), new ReleaseVerifier(Duration.ofMinutes(1)), tools, Clock.systemUTC(),
                        new ArchiveClient.Options(keyring, false, Duration.ofSeconds(30))),
                new AptResolver(tools, dir.resolve("work"), BaseVariant.REQUIRED));
        PlanOutcome.Planned planned = assertInstanceOf(PlanOutcome.Planned.class, planning.plan(manifest(
                "architectures: [amd64]\npackages: [hello]\nrebuild:\n  - source: hello\n")));
        assertEquals(archive.resolve("pool/main/h/hello/hello_2.10-3.dsc").toString(),
                planned.rebuildSet().get(0).files().get(0).location());
    }

    @Test
    void aRebuildMemberWaitsForTheMemberThatBuildsItsBuildDependency() throws Exception {
        PlanOutcome.Planned planned = assertInstanceOf(PlanOutcome.Planned.class, planning.plan(manifest("""
                architectures: [amd64]
                packages: [hello]
                rebuild:
                  - source: gamma
                  - source: glibc
                """)));

        List<PackageBuildQueued> events = planned.buildPlan(new ComposeId("t-1-20250131.0")).toEvents("file:///a/");
        PackageBuildQueued gamma = events.stream().filter(e -> e.source().name().equals("gamma")).findFirst()
                .orElseThrow();
        assertEquals(List.of(new TaskId("t-1-20250131.0:glibc:amd64")), gamma.waitsFor());
    }

    @Test
    void aSuiteTheArchiveDoesNotServeIsRefusedAtSuite() throws Exception {
        Manifest trixie = new ManifestReader().read("""
                name: t
                version: "1"
                suite: trixie
                architectures: [amd64]
                packages: [hello]
                """, MediaKind.YAML);
        Violation v = only(assertInstanceOf(PlanOutcome.Refused.class, planning.plan(trixie)).violations());
        assertEquals("/suite", v.pointer());
        assertEquals("\"trixie\"", v.value());
        assertTrue(v.reason().startsWith("suite 'trixie' is not served by the archive "), v.reason());
        assertTrue(v.reason().endsWith(" (it has no dists/trixie/InRelease)"), v.reason());
    }

    @Test
    void anUnknownPackageIsRefusedAtItsEntry() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello, no-such-package]
                """));
        assertEquals("/packages/1", v.pointer());
        assertEquals("\"no-such-package\"", v.value());
        assertEquals("package 'no-such-package' is not in bookworm for amd64: no package has that name and none "
                + "provides it", v.reason());
    }

    @Test
    void aVersionNotInTheArchiveIsRefusedAtTheVersion() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello]
                rebuild:
                  - source: hello
                    version: "9.9-9"
                """));
        assertEquals("/rebuild/0/version", v.pointer());
        assertEquals("source package 'hello' has no version 9.9-9 in bookworm; available: 2.10-3, 2.10-2", v.reason());
    }

    @Test
    void anUnknownSourcePackageIsRefusedAtTheSource() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello]
                rebuild:
                  - source: no-such-source
                """));
        assertEquals("/rebuild/0/source", v.pointer());
        assertEquals("source package 'no-such-source' is not in bookworm", v.reason());
    }

    @Test
    void anUnsatisfiableDependencyIsRefusedAtThePackageThatNeedsIt() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello, needs-missing]
                """));
        assertEquals("/packages/1", v.pointer());
        assertTrue(v.reason().startsWith("the packages cannot be installed together on amd64 in bookworm, a "
                + "dependency cannot be satisfied: needs-missing : Depends: not-in-the-archive"), v.reason());
    }

    @Test
    void anExclusionThatTheImageNeedsIsUnsatisfiable() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello]
                exclude: [libc6]
                """));
        assertTrue(v.reason().contains("a dependency cannot be satisfied"), v.reason());
        assertTrue(v.reason().contains("libc6"), v.reason());
    }

    @Test
    void aBuildDependencyCycleNamesEveryPackageInIt() throws Exception {
        Violation v = only(refused("""
                architectures: [amd64]
                packages: [hello]
                rebuild:
                  - source: alpha
                  - source: beta
                """));
        assertEquals("/rebuild", v.pointer());
        assertTrue(v.reason().startsWith("the rebuild set cannot be ordered: "), v.reason());
        assertTrue(v.reason().contains("alpha") && v.reason().contains("beta"), v.reason());
    }

    @Test
    void aDscWithTheWrongChecksumIsRefusedAtItsSha256() throws Exception {
        Violation v = only(refused(dscRebuild("0".repeat(64), "7".repeat(64))));
        assertEquals("/rebuild/0/dsc/sha256", v.pointer());
        assertEquals("bad checksum: local-tool_0.1-1.dsc from " + dsc.toUri() + " has sha256 " + dscSha
                + ", not the one given", v.reason());
    }

    @Test
    void aSourceFileWhoseChecksumTheDscContradictsIsRefused() throws Exception {
        Violation v = only(refused(dscRebuild(dscSha, "8".repeat(64))));
        assertEquals("/rebuild/0/dsc/files/0/sha256", v.pointer());
        assertTrue(v.reason().startsWith("bad checksum: local-tool_0.1-1.dsc gives local-tool_0.1.orig.tar.gz the "
                + "sha256 7777"), v.reason());
    }

    @Test
    void aGoodDscJoinsTheRebuildSet() throws Exception {
        PlanOutcome.Planned planned = assertInstanceOf(PlanOutcome.Planned.class,
                planning.plan(manifest(dscRebuild(dscSha, "7".repeat(64)))));
        assertEquals("local-tool", planned.rebuildSet().get(0).name());
        assertEquals(2, planned.rebuildSet().get(0).files().size());
    }

    @Test
    void anUnreachableArchiveIsNotTheManifestsFault() throws Exception {
        ProcessRunner tools = new ProcessRunner(Duration.ofSeconds(10));
        ComposePlanning offline = new ComposePlanning(new ArchiveLocation(new AptSources(dir.resolve("no-apt")),
                Optional.of(URI.create("http://127.0.0.1:9/debian/"))),
                new ArchiveClient(new IndexCache(dir.resolve("cache2")),
                        new ReleaseVerifier(Duration.ofMinutes(1)), tools, Clock.systemUTC(), ArchiveClient.Options.defaults()),
                new AptResolver(tools, dir.resolve("work2"), BaseVariant.REQUIRED));

        PlanningUnavailable e = assertThrows(PlanningUnavailable.class, () -> offline.plan(manifest("""
                architectures: [amd64]
                packages: [hello]
                """)));
        assertTrue(e.getMessage().startsWith("cannot plan against the archive for bookworm: "), e.getMessage());
    }
}
