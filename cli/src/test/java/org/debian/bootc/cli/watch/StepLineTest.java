package org.debian.bootc.cli.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

/** The line a log gets for each event of the compose it follows (what SubmitCompose printed, now the CLI's). */
class StepLineTest {

    private final Events e = new Events("minimal-1-20250131.n.0");
    private final ComposeProgress progress = new ComposeProgress(e.id().value());

    private String line(Event event) {
        progress.apply(event);
        return StepLine.of(event, progress).orElseThrow();
    }

    @Test
    void eachTaskTransitionIsALineWithTheCountSoFarItsResultAndItsReason() {
        line(e.status(null, ComposeStatus.STARTED, null));
        assertEquals("compose " + e.id() + ": 1 build task(s) planned", line(e.planned("hello")));
        assertEquals("[0/1 done, 1 running] task " + e.task("hello").value() + " attempt 1: running (attempt 1 "
                + "dispatched to build-tasks.amd64)", line(e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING,
                        null, "attempt 1 dispatched to build-tasks.amd64")));
        assertEquals("[1/1 done] task " + e.task("hello").value() + " attempt 1: completed success",
                line(e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null)));
    }

    @Test
    void theComposeStepsNameTheComposeTheOutcomeAndWhatWasPushed() {
        assertEquals("compose " + e.id() + ": STARTED", line(e.status(null, ComposeStatus.STARTED, null)));
        assertEquals("compose " + e.id() + ": builds done, outcome complete; publishing the image(s)",
                line(e.built(ComposeOutcome.COMPLETE, "hello")));
        assertEquals("compose " + e.id() + ": amd64 image committed and pushed (7 layers, 1234 bytes pushed)",
                line(e.image()));
        assertEquals("compose " + e.id() + ": amd64 image failed at lint: var-run: /var/run is a directory",
                line(e.imageFailed("var-run: /var/run is a directory")));
        assertEquals("compose " + e.id() + ": DOOMED (the amd64 image failed at lint)",
                line(e.status(ComposeStatus.STARTED, ComposeStatus.DOOMED, "the amd64 image failed at lint")));
    }

    @Test
    void aDoomedBuildDoesNotAnnounceAPublish() {
        assertEquals("compose " + e.id() + ": builds done, outcome doomed", line(e.built(ComposeOutcome.DOOMED, "hello")));
    }

    @Test
    void eventsOfOtherComposesHaveNoLine() {
        Events other = new Events("other-1-20250131.n.0");
        assertEquals(Optional.empty(), StepLine.of(other.task("m4", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null,
                null), progress));
        assertEquals(Optional.empty(), StepLine.of(other.status(null, ComposeStatus.STARTED, null), progress));
    }

    @Test
    void inATerminalTheTasksAreOnlyInTheBarAndTheOtherStepsAreLinesAboveIt() {
        StringWriter out = new StringWriter();
        ProgressView bar = ProgressView.bar(new PrintWriter(out));
        for (Event event : List.<Event>of(e.status(null, ComposeStatus.STARTED, null), e.planned("hello"),
                e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null),
                e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null))) {
            progress.apply(event);
            bar.step(event, Instant.now(), progress);
            bar.update(progress);
        }
        bar.finish();
        String printed = out.toString();
        assertTrue(printed.startsWith("compose " + e.id() + ": STARTED\n"), printed);
        assertTrue(printed.contains("compose " + e.id() + ": 1 build task(s) planned\n"), printed);
        assertTrue(printed.endsWith("\r[###########################...]  90% building: 1/1 tasks done, 0 failed\n"),
                printed);
        assertTrue(!printed.contains("task " + e.task("hello").value()), "no line per task in a terminal:\n" + printed);
    }
}
