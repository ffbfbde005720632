package org.debian.bootc.publisher.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.publisher.disk.DiskImagePhase;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.publisher.image.PushPhase;
import org.debian.bootc.debian.process.ProcessRunner;

/** The one shape the phases share: a context phases read and write, and whether a phase applies. */
class PublishContextTest {

    private static final String COMMIT = "c".repeat(64);

    static PublishContext context(DiskSpec disk, Optional<URI> archive) {
        ImageTarget target = new ImageTarget("amd64", "debian/trixie/amd64/minimal", "registry.invalid/debian/minimal",
                "1", Map.of(), List.of(new ResolvedPackage("hello", "2.10-5", "amd64")), disk);
        ComposePlan plan = new ComposePlan("trixie", "http://archive.invalid/debian", "a".repeat(64), Failable.NONE,
                List.of(target), List.of());
        return new PublishContext("minimal-1-20261125.t.0", "1", plan, target, List.of(), List.of("hello"), archive,
                1_700_000_000L, Path.of("/work"), Path.of("/work/rootfs"));
    }

    @Test
    void aPhaseReadsWhatAnEarlierPhasePutUnderItsKey() {
        PublishContext context = context(null, Optional.empty());
        OstreeCommitPhase.Result commit = new OstreeCommitPhase.Result("debian/trixie/amd64/minimal", COMMIT, true);

        assertEquals(Optional.empty(), context.find(OstreeCommitPhase.COMMIT));
        context.put(OstreeCommitPhase.COMMIT, commit);

        assertEquals(commit, context.get(OstreeCommitPhase.COMMIT));
    }

    @Test
    void aPhaseRunBeforeThePhaseItNeedsIsToldWhichOutputIsMissing() {
        PublishContext context = context(null, Optional.empty());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> context.get(OstreeCommitPhase.COMMIT));

        assertEquals("no earlier phase made the OSTree commit: the phases are not in an order that works",
                e.getMessage());
    }

    @Test
    void aGivenTreeHasNoArchive() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> context(null, Optional.empty()).archive());
        assertEquals("this publish was given its tree: it has no archive", e.getMessage());
        assertEquals(URI.create("http://archive.invalid/debian"),
                context(null, Optional.of(URI.create("http://archive.invalid/debian"))).archive());
    }

    @Test
    void eachStageIsListedOnceInTheOrderItRan() {
        PublishContext context = context(null, Optional.empty());
        List<Stage> ran = new ArrayList<>(List.of(Stage.REPOSITORY, Stage.ROOTFS, Stage.ROOTFS, Stage.LINT));
        ran.forEach(context::ran);

        assertEquals(List.of(Stage.REPOSITORY, Stage.ROOTFS, Stage.LINT), context.stages());
    }

    @Test
    void thePushAppliesOnlyWhenPushingIsOn() {
        ProcessRunner runner = new ProcessRunner();
        PublishContext context = context(null, Optional.empty());

        assertTrue(new PushPhase(runner, true, Duration.ofMinutes(1), true).appliesTo(context));
        assertFalse(new PushPhase(runner, true, Duration.ofMinutes(1), false).appliesTo(context));
        assertEquals(Stage.PUSH, new PushPhase(runner, true, Duration.ofMinutes(1), true).stage());
    }

    @Test
    void theDiskPhaseAppliesOnlyWhenTheTargetAsksForDisks() {
        DiskImagePhase disk = new DiskImagePhase(new ProcessRunner(), Path.of("/repo"),
                Path.of("/disk"), Path.of("/work"), Duration.ofMinutes(1), 2);

        assertFalse(disk.appliesTo(context(null, Optional.empty())));
        assertTrue(disk.appliesTo(context(new DiskSpec(List.of("raw"), 4L << 30, List.of()), Optional.empty())));
    }

    @Test
    void aDiskFormatThisPublisherCannotWriteIsTheInputsFaultBeforeAnyToolRuns() {
        DiskImagePhase disk = new DiskImagePhase(new ProcessRunner(), Path.of("/repo"),
                Path.of("/disk"), Path.of("/work"), Duration.ofMinutes(1), 2);
        PublishContext context = context(new DiskSpec(List.of("raw", "vmdk"), 4L << 30, List.of()), Optional.empty());
        context.put(OstreeCommitPhase.COMMIT, new OstreeCommitPhase.Result("debian/trixie/amd64/minimal", COMMIT, true));

        InputRejected e = assertThrows(InputRejected.class, () -> disk.run(context));

        assertEquals(Stage.DISK, e.stage());
        assertTrue(e.reason().startsWith("disk.formats: ") && e.reason().contains("vmdk"), e.reason());
    }
}
