package org.debian.bootc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

/** A task's description stays as it was announced whatever its state goes through. */
class TaskTest {

    private static final ComposeId COMPOSE = new ComposeId("unit-1-20261207.t.0");
    private static final TaskSpec SPEC = new TaskSpec(Fixtures.taskId(COMPOSE, "hello", "amd64"), COMPOSE, "hello",
            "2.10-3", "amd64", "trixie", null, null, "any", null, "{}", Fixtures.sha("hello"));

    @Test
    void aChangeOfStatusOrAttemptKeepsTheDescriptionAndChangesOnlyTheState() {
        Task fresh = new Task(SPEC, TaskState.NEW);
        Instant later = Instant.parse("2026-12-07T12:00:00Z");
        Task pending = fresh.with(TaskStatus.PENDING, null, "waiting for the plan", later);
        Task running = pending.withAttempt(2);
        Task done = running.with(TaskStatus.COMPLETED, TaskResult.SUCCESS, "built", null);

        for (Task t : new Task[] { pending, running, done }) {
            assertSame(SPEC, t.spec(), "the description is never rebuilt");
        }
        assertEquals(new TaskState(TaskStatus.PENDING, null, "waiting for the plan", 0, later, null, null, null),
                pending.state());
        assertEquals(2, running.currentAttempt());
        assertEquals(2, done.eventAttempt(), "the attempt survives a change of status");
        assertEquals(1, fresh.eventAttempt(), "before any dispatch a status event names attempt 1");
        assertTrue(done.terminal());
        assertEquals(TaskStatus.BLOCKED, fresh.status(), "a change makes a new task; the old one is unchanged");
    }
}
