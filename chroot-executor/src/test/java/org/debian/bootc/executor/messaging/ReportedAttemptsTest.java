package org.debian.bootc.executor.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.TaskId;

class ReportedAttemptsTest {

    private static final TaskId TASK = new TaskId("minimal-1-20261125.t.0:hello:amd64");

    private static PackageBuilt built(int attempt) {
        String sha = "ab".repeat(32);
        return new PackageBuilt(TASK, attempt, new ComposeId("minimal-1-20261125.t.0"), new ExecutorId("vm"),
                new BuildrootId("br-1"), BuildResult.SUCCESS, List.of(new ArtifactRef(sha, ArtifactRef.BINARY_PACKAGE,
                        "hello_2.10-3_amd64.deb", 53000, "file:///srv/artifacts/sha256/ab/" + sha)),
                "file:///srv/logs/hello.log", null, 4200);
    }

    @Test
    void aReportedAttemptIsFoundAgainAfterARestartAndOthersAreNot(@TempDir Path dir) {
        ReportedAttempts first = new ReportedAttempts(dir, new EventCodec().mapper());
        first.record(built(2));

        ReportedAttempts restarted = new ReportedAttempts(dir, new EventCodec().mapper());
        assertEquals(Optional.of(built(2)), restarted.find(TASK, 2));
        assertEquals(Optional.empty(), restarted.find(TASK, 1), "another attempt of the task was not reported");
        assertEquals(Optional.empty(), restarted.find(new TaskId("other-1-20261125.t.0:hello:amd64"), 2));
    }

    @Test
    void anUnreadableOrMisplacedRecordMeansBuildAgain(@TempDir Path dir) throws Exception {
        ReportedAttempts reported = new ReportedAttempts(dir, new EventCodec().mapper());
        reported.record(built(1));
        Path file;
        try (var files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        Files.writeString(file, "{ not json");
        assertEquals(Optional.empty(), reported.find(TASK, 1));

        // a record of attempt 3 under attempt 1's name is not taken for attempt 1
        Files.write(file, new EventCodec().mapper().writeValueAsBytes(built(3)));
        assertEquals(Optional.empty(), reported.find(TASK, 1));
    }

    @Test
    void oldRecordsArePruned(@TempDir Path dir) throws Exception {
        ReportedAttempts reported = new ReportedAttempts(dir, new EventCodec().mapper());
        reported.record(built(1));
        reported.record(built(2));
        Path old = dir.resolve(TASK.value() + ".1.json");
        assertTrue(Files.isRegularFile(old), "records are named by task and attempt");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(ReportedAttempts.KEEP).minus(Duration.ofHours(1))));

        assertEquals(1, reported.prune(Instant.now().minus(ReportedAttempts.KEEP)));
        assertEquals(Optional.empty(), reported.find(TASK, 1));
        assertEquals(Optional.of(built(2)), reported.find(TASK, 2));
    }
}
