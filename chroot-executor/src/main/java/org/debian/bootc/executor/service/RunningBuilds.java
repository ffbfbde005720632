package org.debian.bootc.executor.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.TaskId;

/**
 * The attempts this executor runs now (for heartbeats, cancellation and the live
 * log), and cancellations that arrived before their attempt started here.
 */
@ApplicationScoped
public class RunningBuilds {

    /** How long a cancellation for an attempt not (yet) running here is remembered. */
    static final Duration REMEMBER_CANCELLATIONS = Duration.ofHours(6);

    private final Map<String, RunningBuild> running = new ConcurrentHashMap<>();
    private final Map<String, Cancellation> early = new ConcurrentHashMap<>();
    private final Object finished = new Object();
    private volatile String stopping;

    private record Cancellation(String reason, Instant at) {
    }

    private static String key(TaskId taskId, int attempt) {
        return taskId.value() + "#" + attempt;
    }

    /** Registers an attempt; false when this executor already runs it (a redelivered task). */
    public boolean start(RunningBuild build) {
        boolean added = running.putIfAbsent(key(build.taskId(), build.attempt()), build) == null;
        if (added) {
            Cancellation cancelled = early.remove(key(build.taskId(), build.attempt()));
            if (cancelled != null) {
                build.cancel(cancelled.reason());
            }
            String reason = stopping;
            if (reason != null) {
                // the executor shuts down: an attempt that arrives now ends at once, before it fetches anything
                build.interrupt(reason);
            }
        }
        return added;
    }

    public void finish(RunningBuild build) {
        running.remove(key(build.taskId(), build.attempt()), build);
        synchronized (finished) {
            finished.notifyAll();
        }
    }

    /**
     * The executor shuts down: every attempt running here is interrupted (its PID namespace
     * killed now), and every attempt that starts from now on ends at once the same way.
     *
     * @param reason why the running attempts stop
     * @param lateReason why an attempt that arrives from now on does not start
     * @return the attempts that were running
     */
    public List<RunningBuild> interruptAll(String reason, String lateReason) {
        stopping = lateReason;
        List<RunningBuild> now = List.copyOf(running.values());
        now.forEach(b -> b.interrupt(reason));
        return now;
    }

    /** Whether {@link #interruptAll(String, String)} was called: no new build starts any more. */
    public boolean stopping() {
        return stopping != null;
    }

    /** The attempts running now. */
    public List<RunningBuild> all() {
        return List.copyOf(running.values());
    }

    /**
     * Waits until no attempt runs here any more (each has cleaned up and reported), at most {@code limit}.
     *
     * @return the attempts still running when the limit was reached; empty when all finished
     */
    public List<RunningBuild> awaitNone(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (finished) {
            while (!running.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                finished.wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return List.copyOf(running.values());
    }

    public Optional<RunningBuild> find(TaskId taskId, int attempt) {
        return Optional.ofNullable(running.get(key(taskId, attempt)));
    }

    /** The tasks running now, for the heartbeat. */
    public List<TaskId> taskIds() {
        return running.values().stream().map(RunningBuild::taskId).distinct().sorted(
                java.util.Comparator.comparing(TaskId::value)).toList();
    }

    /**
     * Stops the attempt if it runs here; otherwise remembers the cancellation for a while,
     * so the attempt stops as soon as it starts if its task is still on its way here.
     *
     * @return whether it was running here
     */
    public boolean cancel(TaskId taskId, int attempt, String reason) {
        RunningBuild build = running.get(key(taskId, attempt));
        if (build != null) {
            build.cancel(reason);
            return true;
        }
        Instant now = Instant.now();
        early.values().removeIf(c -> c.at().isBefore(now.minus(REMEMBER_CANCELLATIONS)));
        early.put(key(taskId, attempt), new Cancellation(reason, now));
        return false;
    }
}
