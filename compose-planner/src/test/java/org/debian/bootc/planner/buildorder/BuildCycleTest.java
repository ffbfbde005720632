package org.debian.bootc.planner.buildorder;

import static org.debian.bootc.planner.buildorder.Stanzas.COMPOSE;
import static org.debian.bootc.planner.buildorder.Stanzas.IN_RELEASE;
import static org.debian.bootc.planner.buildorder.Stanzas.SUITE;
import static org.debian.bootc.planner.buildorder.Stanzas.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BuildCycleTest {

    private static BuildCycleException cycleIn(List<SourceRecord> sources, String... architectures) {
        return assertThrows(BuildCycleException.class,
                () -> BuildOrder.plan(sources, List.of(architectures), Set.of(), IN_RELEASE, COMPOSE, SUITE));
    }

    @Test
    void twoIndependentCyclesAreBothReportedWithEveryPackageAndTheClosingEdge() {
        BuildCycleException e = cycleIn(List.of(
                source("a").binaries("liba1", "liba-dev").buildDepends("debhelper-compat (= 13), libb-dev").build(),
                source("b").binaries("libb-dev").buildDepends("liba-dev (>= 1.0)").build(),
                source("c").binaries("libc-dev").buildDepends("libd-dev").build(),
                source("d").binaries("libd-dev").buildDepends("libe-dev").build(),
                source("e").binaries("libe-dev").buildDepends("libc-dev").build(),
                source("f").binaries("f").buildDepends("liba-dev, libc-dev").build()), "amd64");

        assertEquals("build-dep cycle: a (amd64) → b via libb-dev; b (amd64) → a via liba-dev\n"
                + "build-dep cycle: c (amd64) → d via libd-dev; d (amd64) → e via libe-dev; "
                + "e (amd64) → c via libc-dev",
                e.getMessage());
        assertEquals(2, e.cycles().size());
        assertEquals(List.of("a", "b"), e.cycles().get(0).sources());
        assertEquals(List.of("c", "d", "e"), e.cycles().get(1).sources());
        assertEquals("e (amd64) → c via libc-dev", e.cycles().get(1).closingEdge().toString());
    }

    @Test
    void aCycleOnTwoArchitecturesIsReportedForEach() {
        BuildCycleException e = cycleIn(List.of(
                source("a").binaries("liba-dev").buildDepends("libb-dev").build(),
                source("b").binaries("libb-dev").buildDepends("liba-dev").build()), "amd64", "arm64");

        assertEquals("build-dep cycle: a (amd64) → b via libb-dev; b (amd64) → a via liba-dev\n"
                + "build-dep cycle: a (arm64) → b via libb-dev; b (arm64) → a via liba-dev", e.getMessage());
    }

    @Test
    void aCycleThroughAnArchAllBuildNamesIt() {
        BuildCycleException e = cycleIn(List.of(
                source("sphinx").architecture("all").binaries("python3-sphinx")
                        .buildDepends("python3-docutils").build(),
                source("docutils").architecture("all").binaries("python3-docutils")
                        .buildDependsIndep("python3-sphinx <!nodoc>").build()), "amd64", "arm64");

        assertEquals("build-dep cycle: docutils (all) → sphinx via python3-sphinx; "
                + "sphinx (all) → docutils via python3-docutils", e.getMessage());
    }

    @Test
    void anEdgeThatComesFromAnAlternativeSaysSo() {
        BuildCycleException e = cycleIn(List.of(
                source("a").binaries("liba-dev").buildDepends("libx-dev | libb-dev").build(),
                source("b").binaries("libb-dev").buildDepends("liba-dev").build()), "amd64");

        assertEquals("build-dep cycle: a (amd64) → b via libb-dev (in 'libx-dev | libb-dev'); "
                + "b (amd64) → a via liba-dev", e.getMessage());
    }

    @Test
    void aPlainBuildDepIsNamedRatherThanAnAlternativeToTheSameBuild() {
        BuildCycleException e = cycleIn(List.of(
                source("a").binaries("liba-dev").buildDepends("libx-dev | libb-dev, b-tools").build(),
                source("b").binaries("libb-dev", "b-tools").buildDepends("liba-dev").build()), "amd64");

        assertEquals("build-dep cycle: a (amd64) → b via b-tools; b (amd64) → a via liba-dev", e.getMessage());
    }

    @Test
    void aComponentThatIsNotASimpleCycleIsWalkedThroughEveryMember() {
        BuildCycleException e = cycleIn(List.of(
                source("a").binaries("liba-dev").buildDepends("libb-dev").build(),
                source("b").binaries("libb-dev").buildDepends("liba-dev, libc-dev").build(),
                source("c").binaries("libc-dev").buildDepends("libb-dev").build()), "amd64");

        assertEquals(1, e.cycles().size());
        assertEquals(List.of("a", "b", "c"), e.cycles().get(0).sources());
        assertEquals("build-dep cycle: a (amd64) → b via libb-dev; b (amd64) → c via libc-dev; "
                + "c (amd64) → b via libb-dev; b (amd64) → a via liba-dev", e.getMessage());
    }

    @Test
    void profilesThatDropTheClosingEdgeBreakTheCycle() {
        List<SourceRecord> sources = List.of(
                source("a").binaries("liba-dev").buildDepends("libb-dev <!stage1>").build(),
                source("b").binaries("libb-dev").buildDepends("liba-dev").build());

        cycleIn(sources, "amd64");
        BuildPlan plan = BuildOrder.plan(sources, List.of("amd64"), Set.of("stage1"), IN_RELEASE, COMPOSE, SUITE);
        assertEquals(List.of("a", "b"), plan.builds().stream().map(b -> b.source().name()).toList());
    }

    @Test
    void aLongCycleIsFoundWithoutDeepRecursion() throws Throwable {
        int n = 3_000;
        List<SourceRecord> ring = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ring.add(Stanzas.cheap(String.format("p%05d", i), String.format("p%05d", (i + 1) % n)));
        }

        BuildCycleException e = SmallStack.call(() -> cycleIn(ring, "amd64"));

        assertEquals(n, e.cycles().get(0).sources().size());
        assertEquals("p02999 (amd64) → p00000 via p00000", e.cycles().get(0).closingEdge().toString());
    }
}
