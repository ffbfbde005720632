package org.debian.bootc.publisher.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;

/** Which architectures of a built compose get an image: Pungi's failable rules. */
class ComposeBuiltConsumerTest {

    static final ComposeId ID = ComposeId.of("minimal", "1", LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);

    static ImageTarget target(String arch) {
        return new ImageTarget(arch, "debian/bookworm/" + arch + "/minimal", "localhost:5000/m", "1", Map.of(),
                List.of(new ResolvedPackage("hello", "2.10-3", arch)));
    }

    static ComposeBuilt built(Failable failable, TaskResult arm64Result) {
        return new ComposeBuilt(ID, List.of(
                new PackageResult(new TaskId(ID.value() + ":hello:amd64"), "hello", "2.10-3", "amd64", TaskResult.SUCCESS, List.of()),
                new PackageResult(new TaskId(ID.value() + ":hello:arm64"), "hello", "2.10-3", "arm64", arm64Result, List.of())),
                ComposeOutcome.INCOMPLETE, new ComposePlan("bookworm", "file:///srv/debian/", "e".repeat(64), failable,
                        List.of(target("amd64"), target("arm64")), List.of()));
    }

    @Test
    void aFailableArchitectureWithAFailedBuildIsSkipped() {
        ComposeBuilt built = built(new Failable(List.of("arm64"), List.of()), TaskResult.FAILURE);
        assertTrue(ComposeBuiltConsumer.skipped(built, target("arm64")));
        assertFalse(ComposeBuiltConsumer.skipped(built, target("amd64")));
    }

    @Test
    void aFailablePackageDoesNotSkipItsArchitecture() {
        ComposeBuilt built = built(new Failable(List.of(), List.of("hello")), TaskResult.FAILURE);
        assertFalse(ComposeBuiltConsumer.skipped(built, target("arm64")));
    }

    @Test
    void aFailableArchitectureWhoseBuildsSucceededIsPublished() {
        ComposeBuilt built = built(new Failable(List.of("arm64"), List.of()), TaskResult.SUCCESS);
        assertFalse(ComposeBuiltConsumer.skipped(built, target("arm64")));
    }
}
