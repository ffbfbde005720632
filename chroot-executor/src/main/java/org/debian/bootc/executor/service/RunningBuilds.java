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
        }
        return added;
    }

    public void finish(RunningBuild build) {
        running.remove(key(build.taskId(), build.attempt()), build);
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
