package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.executor.failure.BuildError;
import org.debian.bootc.executor.failure.BuildTimeout;
import org.debian.bootc.executor.failure.Cancelled;
import org.debian.bootc.executor.failure.Interrupted;
import org.debian.bootc.executor.failure.PackageManagerError;

/** What an attempt carries between stages and how it ends, without a chroot. */
class BuildAttemptTest {

    private static final String SHA = "0".repeat(64);

    @TempDir
    Path dir;

    private BuildAttempt attempt() {
        SourcePackage source = new SourcePackage("x", "1", "x_1.dsc",
                List.of(new SourceFile("x_1.dsc", SHA, 1, "file:///x_1.dsc")));
        BuildRequest request = TestWorkspace.request(source, "bookworm");
        return new BuildAttempt(request, TestWorkspace.running(request, Duration.ofMinutes(5)),
                new BuildLog(dir.resolve("1.log"), 30), dir.resolve("downloads"));
    }

    private static ArtifactRef ref(String category, String name) {
        return new ArtifactRef(SHA, category, name, 1, "file:///artifacts/" + name);
    }

    @Test
    void aStageIsLoggedWithItsDurationAndTimedEvenWhenItFails() throws IOException {
        BuildAttempt attempt = attempt();
        assertEquals("dsc", attempt.stage(BuildStage.FETCH_SOURCE, () -> "dsc"));
        assertThrows(BuildError.class, () -> attempt.stage(BuildStage.BUILD, () -> {
            throw new BuildError("dpkg-buildpackage failed");
        }));
        attempt.log().close();
        String log = Files.readString(dir.resolve("1.log"));
        assertTrue(log.matches("(?s).*\\| fetch source .*\\[fetch source took \\d+ ms\\].*"), log);
        assertTrue(log.matches("(?s).*\\| build .*\\[build took \\d+ ms\\].*"), log);
        assertEquals(List.of(BuildStage.FETCH_SOURCE, BuildStage.BUILD), List.copyOf(attempt.stageDurations().keySet()));
    }

    @Test
    void aToolKilledByACancellationEndsAsCancelledWithTheToolsLastLines() {
        BuildAttempt attempt = attempt();
        attempt.running().cancel("superseded by attempt 2");
        PackageManagerError apt = new PackageManagerError("apt-get failed", List.of("E: killed"), null);
        attempt.failed(apt, Duration.ofHours(2));
        Cancelled cancelled = assertInstanceOf(Cancelled.class, attempt.failure().orElseThrow());
        assertEquals("cancelled: superseded by attempt 2", cancelled.getMessage());
        assertEquals(List.of("E: killed"), cancelled.lastLines());
        assertSame(apt, cancelled.getCause());
        assertEquals(BuildResult.ERROR, attempt.result());
    }

    @Test
    void aToolKilledByAShutdownEndsAsInterrupted() {
        BuildAttempt attempt = attempt();
        attempt.running().interrupt("executor e1 is shutting down");
        attempt.failed(new BuildError("dpkg-buildpackage failed"), Duration.ofHours(2));
        assertInstanceOf(Interrupted.class, attempt.failure().orElseThrow());
        assertEquals(BuildResult.ERROR, attempt.result());
    }

    @Test
    void aToolKilledAtTheDeadlineEndsAsATimeoutNamingTheLimit() {
        BuildAttempt attempt = attempt();
        attempt.running().timeOut();
        attempt.failed(new BuildError("dpkg-buildpackage failed"), Duration.ofMinutes(3));
        BuildTimeout timeout = assertInstanceOf(BuildTimeout.class, attempt.failure().orElseThrow());
        assertEquals("the build ran past its limit of 180 s and was killed", timeout.getMessage());
    }

    @Test
    void aPackageThatFailsOnItsOwnStaysAFailure() {
        BuildAttempt attempt = attempt();
        attempt.failed(new BuildError("dpkg-buildpackage failed"), Duration.ofHours(2));
        assertInstanceOf(BuildError.class, attempt.failure().orElseThrow());
        assertEquals(BuildResult.FAILURE, attempt.result());
    }

    @Test
    void aStopAskedForBetweenStagesEndsTheAttemptThere() {
        BuildAttempt attempt = attempt();
        attempt.stopIfAsked();
        attempt.running().cancel("");
        assertEquals("cancelled: cancelled", assertThrows(Cancelled.class, attempt::stopIfAsked).getMessage());
    }

    @Test
    void aFailedAttemptReportsItsLogButNotTheResultsItStoredBeforeFailing() {
        BuildAttempt attempt = attempt();
        attempt.stored(List.of(ref(ArtifactRef.BINARY_PACKAGE, "x_1_amd64.deb")));
        attempt.failed(new BuildError("dpkg-buildpackage failed after the .deb was stored"), Duration.ofHours(2));
        ArtifactRef log = ref(ArtifactRef.BUILD_LOG, "x_1_amd64.build");
        BuildOutcome outcome = attempt.outcome(Optional.of(log), List.of("Status: failure"), 12);
        assertEquals(List.of(log), outcome.artifacts());
        assertEquals(Optional.of(log.location()), outcome.logLocation());
        assertEquals(BuildResult.FAILURE, outcome.result());
    }

    @Test
    void aSuccessfulAttemptReportsItsResultsThenItsLogAndHowManyDebsAptFetched() {
        BuildAttempt attempt = attempt();
        attempt.installed(3);
        ArtifactRef deb = ref(ArtifactRef.BINARY_PACKAGE, "x_1_amd64.deb");
        attempt.stored(List.of(deb));
        ArtifactRef log = ref(ArtifactRef.BUILD_LOG, "x_1_amd64.build");
        BuildOutcome outcome = attempt.outcome(Optional.of(log), List.of("Status: successful"), 12);
        assertEquals(List.of(deb, log), outcome.artifacts());
        assertEquals(3, outcome.debsDownloaded());
        assertFalse(outcome.baseMade(), "no base was leased");
        assertEquals(Optional.empty(), attempt.outcome(Optional.empty(), List.of(), 12).logLocation());
    }
}
