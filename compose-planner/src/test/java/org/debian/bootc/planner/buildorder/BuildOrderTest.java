package org.debian.bootc.planner.buildorder;

import static org.debian.bootc.planner.buildorder.Stanzas.COMPOSE;
import static org.debian.bootc.planner.buildorder.Stanzas.IN_RELEASE;
import static org.debian.bootc.planner.buildorder.Stanzas.SUITE;
import static org.debian.bootc.planner.buildorder.Stanzas.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.relation.DependencySyntaxException;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.TaskId;


class BuildOrderTest {

    private static final List<String> BOTH = List.of("amd64", "arm64");
    private static final String ARCHIVE = "http://archive.example/debian/";

    private static BuildPlan plan(List<SourceRecord> sources, List<String> architectures, Set<String> profiles) {
        return BuildOrder.plan(sources, architectures, profiles, IN_RELEASE, COMPOSE, SUITE);
    }

    private static BuildPlan plan(List<SourceRecord> sources, String... architectures) {
        return plan(sources, List.of(architectures), Set.of());
    }

    /** {@code source:arch:type} per build, in plan order. */
    private static List<String> order(BuildPlan plan) {
        return plan.builds().stream()
                .map(b -> b.source().name() + ":" + b.architecture() + ":" + b.buildType().wireName())
                .toList();
    }

    /** The builds {@code source} on {@code arch} waits for, as {@code source:arch}. */
    private static List<String> waits(BuildPlan plan, String source, String arch) {
        return plan.find(source, arch).orElseThrow().waitsFor().stream()
                .map(id -> id.value().substring(COMPOSE.value().length() + 1))
                .toList();
    }

    private static void assertDependenciesFirst(BuildPlan plan) {
        Set<TaskId> done = new HashSet<>();
        for (PlannedBuild build : plan.builds()) {
            assertTrue(done.containsAll(build.waitsFor()), build.taskId() + " comes before what it waits for");
            done.add(build.taskId());
        }
    }

    /** A small slice of a real graph: zlib and openssl under curl, which apt-like tools use; hello alone. */
    private static List<SourceRecord> dag() {
        return List.of(
                source("zlib").binaries("zlib1g", "zlib1g-dev").build(),
                source("openssl").binaries("libssl3", "libssl-dev", "openssl")
                        .buildDepends("debhelper-compat (= 13), zlib1g-dev, perl:native").build(),
                source("curl").binaries("curl", "libcurl4", "libcurl4-openssl-dev")
                        .buildDepends("debhelper-compat (= 13), libssl-dev, zlib1g-dev, openssl <!nocheck>").build(),
                source("apt").binaries("apt", "libapt-pkg6.0")
                        .buildDepends("debhelper-compat (= 13), libcurl4-openssl-dev | libcurl-dev, zlib1g-dev")
                        .build(),
                source("hello").build());
    }

    @Test
    void dagIsOrderedDependenciesFirstTiesByName() {
        BuildPlan plan = plan(dag(), "amd64");

        assertEquals(List.of("hello:amd64:any", "zlib:amd64:any", "openssl:amd64:any", "curl:amd64:any",
                "apt:amd64:any"), order(plan));
        assertDependenciesFirst(plan);
        assertEquals(List.of("curl:amd64", "zlib:amd64"), waits(plan, "apt", "amd64"));
        assertEquals(List.of("openssl:amd64", "zlib:amd64"), waits(plan, "curl", "amd64"));
        assertEquals(List.of(), waits(plan, "hello", "amd64"));
        assertEquals("libssl-dev", plan.find("curl", "amd64").orElseThrow().waits().stream()
                .filter(w -> w.taskId().value().endsWith(":openssl:amd64")).findFirst().orElseThrow().binary());
    }

    @Test
    void everyArchitectureWaitsOnItsOwnBuildsAndTiesFollowTheManifestOrder() {
        BuildPlan plan = plan(dag(), "arm64", "amd64");

        assertEquals(10, plan.builds().size());
        // the lowest ready build first: openssl on arm64 becomes ready (and sorts first) once zlib on arm64 is out
        assertEquals(List.of("hello:arm64:any", "hello:amd64:any", "zlib:arm64:any", "openssl:arm64:any"),
                order(plan).subList(0, 4));
        assertEquals(List.of("curl:arm64", "zlib:arm64"), waits(plan, "apt", "arm64"));
        assertEquals(List.of("curl:amd64", "zlib:amd64"), waits(plan, "apt", "amd64"));
        assertDependenciesFirst(plan);
    }

    @Test
    void thePlanDoesNotDependOnTheOrderOfTheRebuildSet() {
        List<SourceRecord> reversed = new ArrayList<>(dag());
        Collections.reverse(reversed);

        assertEquals(plan(dag(), "amd64", "arm64"), plan(reversed, "amd64", "arm64"));
    }

    @Test
    void taskIdsAreComposeSourceArchitecture() {
        BuildPlan plan = plan(dag(), BOTH, Set.of());

        assertEquals(new TaskId("minimal-1-20250131.n.0:curl:arm64"),
                plan.find("curl", "arm64").orElseThrow().taskId());
        assertEquals(plan.builds().size(), plan.builds().stream().map(PlannedBuild::taskId).distinct().count());
    }

    @Test
    void archAllOnlySourceBuildsOnceOnTheFirstArchitectureAndEveryArchitectureWaitsForIt() {
        BuildPlan plan = plan(List.of(
                source("python-docs-theme").architecture("all").binaries("python3-docs-theme").build(),
                source("cpython").binaries("python3.13", "python3.13-doc")
                        .buildDependsIndep("python3-docs-theme, python3-sphinx").build()), BOTH, Set.of());

        PlannedBuild theme = plan.find("python-docs-theme", "amd64").orElseThrow();
        assertEquals(BuildType.ALL, theme.buildType());
        assertTrue(plan.find("python-docs-theme", "arm64").isEmpty());
        // cpython is Architecture: any, so -B: Build-Depends-Indep is not its concern
        assertEquals(List.of(), waits(plan, "cpython", "arm64"));
    }

    @Test
    void archAllPartGoesWithTheFirstArchitectureAsBinaryBuild() {
        SourceRecord glib = source("glib2.0").architecture("any all")
                .binaries("libglib2.0-0t64", "libglib2.0-dev", "libglib2.0-data", "libglib2.0-doc")
                .buildDependsIndep("gtk-doc-tools").build();
        SourceRecord gtkDoc = source("gtk-doc").architecture("all").binaries("gtk-doc-tools").build();

        BuildPlan amd64First = plan(List.of(glib, gtkDoc), "amd64", "arm64");
        BuildPlan arm64First = plan(List.of(glib, gtkDoc), "arm64", "amd64");

        assertEquals(List.of("glib2.0:arm64:any", "gtk-doc:amd64:all", "glib2.0:amd64:binary"), order(amd64First));
        assertEquals(List.of("gtk-doc:amd64"), waits(amd64First, "glib2.0", "amd64"));
        assertEquals(List.of(), waits(amd64First, "glib2.0", "arm64"));
        assertEquals(List.of("glib2.0:amd64:any", "gtk-doc:arm64:all", "glib2.0:arm64:binary"), order(arm64First));
        assertEquals(List.of("gtk-doc:arm64"), waits(arm64First, "glib2.0", "arm64"));
    }

    @Test
    void archAllPartGoesWithTheFirstArchitectureTheSourceBuildsOn() {
        SourceRecord grub = source("grub2").architecture("amd64 i386 all").binaries("grub-efi-amd64", "grub-common")
                .build();

        assertEquals(List.of("grub2:amd64:binary"), order(plan(List.of(grub), "arm64", "amd64")));
        assertEquals(List.of("grub2:arm64:all"), order(plan(List.of(grub), "arm64")));
    }

    @Test
    void buildDependsArchCountsForAnyAndBinaryBuildsAndIndepForAllAndBinaryBuilds() {
        List<SourceRecord> sources = List.of(
                source("sphinx").architecture("all").binaries("python3-sphinx").build(),
                source("meson").architecture("all").binaries("meson").build(),
                source("libfoo").architecture("any all").binaries("libfoo1", "libfoo-dev", "libfoo-doc")
                        .buildDependsArch("meson").buildDependsIndep("python3-sphinx").build(),
                source("docs").architecture("all").binaries("docs")
                        .buildDependsArch("meson").buildDependsIndep("python3-sphinx").build());

        BuildPlan plan = plan(sources, BOTH, Set.of());

        assertEquals(List.of("meson:amd64", "sphinx:amd64"), waits(plan, "libfoo", "amd64"));
        assertEquals(List.of("meson:amd64"), waits(plan, "libfoo", "arm64"));
        assertEquals(List.of("sphinx:amd64"), waits(plan, "docs", "amd64"));
    }

    @Test
    void aConsumerOfASourceWithBothPartsWaitsForItsOwnArchitectureAndTheArchAllBuild() {
        BuildPlan plan = plan(List.of(
                source("glib2.0").architecture("any all").binaries("libglib2.0-dev", "libglib2.0-data").build(),
                source("gtk4").buildDepends("libglib2.0-dev (>= 2.76)").build()), BOTH, Set.of());

        assertEquals(List.of("glib2.0:amd64"), waits(plan, "gtk4", "amd64"));
        assertEquals(List.of("glib2.0:amd64", "glib2.0:arm64"), waits(plan, "gtk4", "arm64"));
    }

    @Test
    void architectureRestrictionsDecideOnWhichArchitecturesABuildWaits() {
        BuildPlan plan = plan(List.of(
                source("gnu-efi").architecture("amd64 arm64 i386").binaries("gnu-efi").build(),
                source("libseccomp").binaries("libseccomp-dev").build(),
                source("systemd").architecture("linux-any")
                        .buildDepends("gnu-efi [amd64 i386] <!noefi>, libseccomp-dev [!arm64]").build()),
                BOTH, Set.of());

        assertEquals(List.of("gnu-efi:amd64", "libseccomp:amd64"), waits(plan, "systemd", "amd64"));
        assertEquals(List.of(), waits(plan, "systemd", "arm64"));
    }

    @Test
    void activeProfilesDropTheBuildDepsTheyExclude() {
        List<SourceRecord> sources = List.of(
                source("python-pytest").binaries("python3-pytest").architecture("all").build(),
                source("python-attrs").binaries("python3-attrs").architecture("all")
                        .buildDepends("debhelper-compat (= 13), python3-pytest <!nocheck>").build());

        BuildPlan checked = plan(sources, BOTH, Set.of());
        BuildPlan nocheck = plan(sources, BOTH, Set.of("nocheck"));

        assertEquals(List.of("python-pytest:amd64"), waits(checked, "python-attrs", "amd64"));
        assertEquals(List.of(), waits(nocheck, "python-attrs", "amd64"));
        assertNull(checked.toEvents(ARCHIVE).get(0).buildProfile());
        assertEquals("nocheck", nocheck.toEvents(ARCHIVE).get(0).buildProfile());
    }

    @Test
    void qualifiersAnyAndNativeMeanTheBuildsOwnArchitectureAndAnExplicitOneThatArchitecture() {
        BuildPlan plan = plan(List.of(
                source("python3-defaults").binaries("python3", "python3-dev").build(),
                source("perl").binaries("perl").build(),
                source("gcc").binaries("gcc").build(),
                source("pyfoo").buildDepends("python3:any, perl:native, gcc:amd64").build()), BOTH, Set.of());

        assertEquals(List.of("gcc:amd64", "perl:arm64", "python3-defaults:arm64"), waits(plan, "pyfoo", "arm64"));
    }

    @Test
    void everyAlternativeThatNamesARebuiltBinaryAddsAWait() {
        BuildPlan plan = plan(List.of(
                source("openjdk-21").binaries("openjdk-21-jdk").build(),
                source("default-jdk").binaries("default-jdk").build(),
                source("libfoo-java").buildDepends("default-jdk | openjdk-21-jdk, javahelper | java-helper").build(),
                source("libbar").buildDepends("libcurl-dev | default-jdk").build()), "amd64");

        assertEquals(List.of("default-jdk:amd64", "openjdk-21:amd64"), waits(plan, "libfoo-java", "amd64"));
        assertEquals(List.of("default-jdk:amd64"), waits(plan, "libbar", "amd64"));
    }

    @Test
    void aSourceNeverWaitsForItself() {
        BuildPlan plan = plan(List.of(
                source("rustc").architecture("any all").binaries("rustc", "libstd-rust-dev", "rust-doc")
                        .buildDepends("rustc (>= 1.80), libstd-rust-dev").buildDependsIndep("rust-doc").build(),
                source("fpc").binaries("fp-compiler").buildDepends("fp-compiler").build()), BOTH, Set.of());

        assertTrue(plan.builds().stream().allMatch(build -> build.waits().isEmpty()), plan.toString());
        assertEquals(List.of("fpc:amd64:any", "fpc:arm64:any", "rustc:amd64:binary", "rustc:arm64:any"),
                order(plan));
    }

    @Test
    void buildDepsOutsideTheRebuildSetAddNoWait() {
        BuildPlan plan = plan(List.of(source("hello")
                .buildDepends("debhelper-compat (= 13), gettext, texinfo (>= 6.8) <!nodoc>").build()), "amd64");

        assertEquals(List.of(), waits(plan, "hello", "amd64"));
    }

    @Test
    void toEventsCarriesEveryFieldOfEachBuild() {
        BuildPlan plan = plan(dag(), BOTH, Set.of("nodoc", "nocheck"));

        List<PackageBuildQueued> events = plan.toEvents(ARCHIVE);

        assertEquals(plan.builds().size(), events.size());
        for (int i = 0; i < events.size(); i++) {
            PackageBuildQueued event = events.get(i);
            PlannedBuild build = plan.builds().get(i);
            assertEquals(COMPOSE, event.composeId());
            assertEquals(build.taskId(), event.taskId());
            assertEquals(build.source(), event.source());
            assertEquals(build.architecture(), event.architecture());
            assertEquals(SUITE, event.suite());
            assertEquals(ARCHIVE, event.archive());
            assertEquals(plan.inReleaseSha256(), event.inReleaseSha256());
            assertEquals(build.buildType(), event.buildType());
            assertEquals("nocheck nodoc", event.buildProfile());
            assertEquals(build.waitsFor(), event.waitsFor());
            assertEquals(build.contentKey(), event.contentKey());
        }
        PackageBuildQueued apt = events.get(events.size() - 1);
        assertEquals("apt", apt.source().name());
        assertEquals("apt_1.0-1.dsc", apt.source().dsc());
    }

    @Test
    void longChainsNeedNoDeepStack() throws Throwable {
        // p00000 waits for p00001 … waits for p02999: the depth-first search starts at the deep end
        int n = 3_000;
        List<SourceRecord> chain = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chain.add(Stanzas.cheap(String.format("p%05d", i), i == n - 1 ? "" : String.format("p%05d", i + 1)));
        }

        BuildPlan plan = SmallStack.call(() -> plan(chain, "amd64"));

        assertEquals(String.format("p%05d", n - 1), plan.builds().get(0).source().name());
        assertEquals("p00000", plan.builds().get(n - 1).source().name());
    }

    @Test
    void badInputIsAnsweredPrecisely() {
        SourceRecord hello = source("hello").build();
        assertEquals("source hello is in the rebuild set twice (versions 1.0-1 and 2.0-1)",
                assertThrows(IllegalArgumentException.class, () -> plan(List.of(hello,
                        source("hello").version("2.0-1").build()), "amd64")).getMessage());
        assertEquals("these sources build on none of the architectures amd64, arm64: "
                        + "grub-pc (Architecture: i386), xserver-xorg-video-intel (Architecture: hurd-any)",
                assertThrows(IllegalArgumentException.class, () -> plan(List.of(hello,
                        source("grub-pc").architecture("i386").build(),
                        source("xserver-xorg-video-intel").architecture("hurd-any").build()), "amd64", "arm64"))
                        .getMessage());
        assertEquals("architecture 'all' is not a concrete Debian architecture name",
                assertThrows(IllegalArgumentException.class, () -> plan(List.of(hello), "all")).getMessage());
        assertEquals("architecture amd64 is listed twice",
                assertThrows(IllegalArgumentException.class, () -> plan(List.of(hello), "amd64", "amd64"))
                        .getMessage());
        assertEquals("inReleaseSha256 'ABC' is not a sha256 digest (64 lower-case hex digits)",
                assertThrows(IllegalArgumentException.class, () -> BuildOrder.plan(List.of(hello), BOTH, Set.of(),
                        "ABC", COMPOSE, SUITE)).getMessage());
        assertEquals("build profile 'No Check' is not a profile name (lower-case letters, digits and . + -)",
                assertThrows(IllegalArgumentException.class, () -> plan(List.of(hello), BOTH, Set.of("No Check")))
                        .getMessage());
    }

    @Test
    void aMalformedFieldNamesTheSourceTheFieldAndTheOffset() {
        DependencySyntaxException e = assertThrows(DependencySyntaxException.class, () -> plan(List.of(
                source("hello").build(),
                source("coreutils").buildDependsArch("libacl1-dev [linux-any, libattr1-dev").build()), "amd64"));

        assertEquals("coreutils", e.source());
        assertEquals("Build-Depends-Arch", e.field());
        assertEquals(22, e.offset());
        assertTrue(e.getMessage().startsWith("source coreutils: Build-Depends-Arch, offset 22: "), e.getMessage());
    }

    @Test
    void anEmptyRebuildSetIsAnEmptyPlan() {
        assertEquals(List.of(), plan(List.of(), "amd64").toEvents(ARCHIVE));
    }
}
