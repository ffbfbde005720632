package org.debian.bootc.cli.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;

class ComposeProgressTest {

    private final Events e = new Events("minimal-1-20250131.n.0");
    private final Events other = new Events("other-1-20250131.n.0");

    @Test
    void followsThePhasesToFinished() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        assertEquals(ComposeProgress.Phase.PLANNING, p.phase());
        assertFalse(p.seen());
        assertTrue(p.apply(e.status(null, ComposeStatus.STARTED, null)));
        assertTrue(p.apply(e.planned("hello", "gettext")));
        assertEquals("building: 0/2 tasks done, 0 failed", p.describe());
        p.apply(e.task("hello", 1, null, TaskStatus.PENDING, null, null));
        p.apply(e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null));
        assertTrue(p.apply(e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null)));
        assertEquals("building: 1/2 tasks done, 0 failed", p.describe());
        assertEquals(0.45, p.fraction(), 0.001);
        p.apply(e.task("gettext", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SKIPPED, null));
        p.apply(e.built(ComposeOutcome.COMPLETE, "hello", "gettext"));
        assertEquals(ComposeProgress.Phase.PUBLISHING, p.phase());
        assertEquals("publishing: 2/2 tasks done, 0 failed, built complete, 0 images committed", p.describe());
        p.apply(e.image());
        p.apply(e.status(ComposeStatus.STARTED, ComposeStatus.FINISHED, null));
        assertEquals(ComposeProgress.Phase.FINISHED, p.phase());
        assertEquals(Events.COMMIT, p.images().get("amd64").commit());
        assertEquals(1.0, p.fraction());
    }

    @Test
    void otherComposesChangeNothing() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        assertFalse(p.apply(other.status(null, ComposeStatus.STARTED, null)));
        assertFalse(p.apply(other.task("hello", 1, null, TaskStatus.COMPLETED, TaskResult.FAILURE, null)));
        assertFalse(p.apply(other.image()));
        assertFalse(p.seen());
        assertEquals(0, p.total());
    }

    @Test
    void failuresAreCountedAndAnOlderAttemptNeverOverwritesANewer() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        p.apply(e.planned("hello"));
        p.apply(e.task("hello", 2, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.FAILURE, "build failed"));
        // attempt 1's late news, e.g. read from another partition after a supersede
        p.apply(e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null));
        assertEquals(1, p.done());
        assertEquals(1, p.failed());
        assertEquals("build failed", p.failedTasks().get(0).reason());
        p.apply(e.status(ComposeStatus.STARTED, ComposeStatus.DOOMED, "1 of 1 packages failed to build"));
        assertEquals("DOOMED: 1/1 tasks done, 1 failed, 0 images (1 of 1 packages failed to build)", p.describe());
    }

    @Test
    void theTasksSummaryCountsDoneRunningAndFailed() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        p.apply(e.planned("hello", "gettext", "m4"));
        assertEquals("0/3 done", p.tasksSummary());
        p.apply(e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null));
        p.apply(e.task("gettext", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.ERROR, "chroot broken"));
        assertEquals("1/3 done, 1 running, 1 failed", p.tasksSummary());
    }

    @Test
    void aWatcherThatMissedThePlanCountsTheTasksItSaw() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        p.apply(e.task("hello", 1, null, TaskStatus.PENDING, null, null));
        p.apply(e.task("gettext", 1, null, TaskStatus.ABORTED, null, "compose cancelled"));
        assertEquals(ComposeProgress.Phase.BUILDING, p.phase());
        assertEquals("building: 1/2 tasks done, 1 failed", p.describe());
    }

    @Test
    void barAndLinesRender() {
        ComposeProgress p = new ComposeProgress(e.id().value());
        p.apply(e.planned("hello", "gettext"));
        p.apply(e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null));
        assertEquals("[##############................]  45% building: 1/2 tasks done, 0 failed",
                ProgressView.Bar.render(p));

        StringWriter bar = new StringWriter();
        ProgressView view = ProgressView.bar(new PrintWriter(bar));
        view.update(p);
        view.note("a note");
        view.finish();
        assertTrue(bar.toString().startsWith("\r[###"), bar.toString());
        assertTrue(bar.toString().contains("a note\n"), bar.toString());
        assertTrue(bar.toString().endsWith("failed\n"), bar.toString());

        StringWriter lines = new StringWriter();
        ProgressView plain = ProgressView.lines(new PrintWriter(lines),
                Clock.fixed(Instant.parse("2025-01-31T12:00:09Z"), ZoneOffset.UTC));
        plain.update(p);
        assertEquals("", lines.toString(), "in a log a line comes with each event, not with a redraw");
        TaskStatusChanged running = e.task("gettext", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null);
        p.apply(running);
        plain.step(running, Instant.parse("2025-01-31T12:00:01.5Z"), p);
        plain.note("a note");
        assertEquals("2025-01-31T12:00:01Z [1/2 done, 1 running] task " + e.task("gettext").value()
                + " attempt 1: running\n2025-01-31T12:00:09Z a note\n", lines.toString());
    }
}
