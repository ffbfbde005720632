package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.TaskId;

class RunningBuildsTest {

    private static RunningBuild build(String task, int attempt) {
        return new RunningBuild(new TaskId(task), attempt, BuildrootId.random(), Instant.now().plusSeconds(60));
    }

    @Test
    void aRedeliveredAttemptIsNotStartedTwice() {
        RunningBuilds running = new RunningBuilds();
        assertTrue(running.start(build("c:hello:amd64", 1)));
        assertFalse(running.start(build("c:hello:amd64", 1)));
        assertTrue(running.start(build("c:hello:amd64", 2)), "a new attempt is another build");
        assertEquals(List.of(new TaskId("c:hello:amd64")), running.taskIds());
    }

    @Test
    void cancellationStopsOnlyTheNamedAttempt() {
        RunningBuilds running = new RunningBuilds();
        RunningBuild one = build("c:hello:amd64", 1);
        RunningBuild two = build("c:hello:amd64", 2);
        running.start(one);
        running.start(two);
        assertTrue(running.cancel(new TaskId("c:hello:amd64"), 1, "superseded"));
        assertEquals(Optional.of("superseded"), one.cancelReason());
        assertEquals(Optional.empty(), two.cancelReason());
        running.finish(one);
        assertEquals(Optional.empty(), running.find(new TaskId("c:hello:amd64"), 1));
    }

    @Test
    void aCancellationThatArrivesFirstStopsTheAttemptWhenItStarts() {
        RunningBuilds running = new RunningBuilds();
        assertFalse(running.cancel(new TaskId("c:bash:amd64"), 1, "compose cancelled"));
        RunningBuild late = build("c:bash:amd64", 1);
        running.start(late);
        assertEquals(Optional.of("compose cancelled"), late.cancelReason());
    }

    @Test
    void aShutdownInterruptsWhatRunsAndEveryAttemptThatArrivesAfterIt() throws Exception {
        RunningBuilds running = new RunningBuilds();
        RunningBuild one = build("c:hello:amd64", 1);
        running.start(one);
        assertFalse(running.stopping());
        assertEquals(List.of(one), running.interruptAll("shutting down", "arrived while shutting down"));
        assertTrue(running.stopping());
        assertEquals(Optional.of("shutting down"), one.interruptReason());
        assertEquals(Optional.empty(), one.cancelReason(), "not a cancellation: the task is run again");
        RunningBuild late = build("c:bash:amd64", 1);
        assertTrue(running.start(late), "registered, so its end is reported");
        assertEquals(Optional.of("arrived while shutting down"), late.interruptReason());
    }

    @Test
    void awaitNoneReturnsOnceTheLastBuildFinishedOrTheUnfinishedOnesAtTheLimit() throws Exception {
        RunningBuilds running = new RunningBuilds();
        RunningBuild one = build("c:hello:amd64", 1);
        RunningBuild two = build("c:bash:amd64", 1);
        running.start(one);
        running.start(two);
        running.finish(one);
        long started = System.nanoTime();
        assertEquals(List.of(two), running.awaitNone(java.time.Duration.ofMillis(300)), "two never finishes");
        assertTrue(java.time.Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
        Thread finisher = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            running.finish(two);
        });
        finisher.start();
        started = System.nanoTime();
        assertEquals(List.of(), running.awaitNone(java.time.Duration.ofSeconds(30)));
        assertTrue(java.time.Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5, "woken by finish()");
        finisher.join();
    }
}
