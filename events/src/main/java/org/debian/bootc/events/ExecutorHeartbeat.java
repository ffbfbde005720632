package org.debian.bootc.events;

import java.time.Instant;
import java.util.List;

/**
 * An executor is alive. Written by chroot-executor every few seconds, read by
 * task-scheduler (lease bookkeeping, dashboard) and monitoring.
 *
 * @param executorId the record key
 * @param architectures the architectures it builds for
 * @param slots how many builds it runs at once (0 while draining)
 * @param running the tasks it is building now
 * @param at when the heartbeat was taken
 */
public record ExecutorHeartbeat(ExecutorId executorId, List<String> architectures, int slots, List<TaskId> running,
        Instant at) implements Event {

    public ExecutorHeartbeat {
        Invariants.required("executorId", executorId);
        architectures = Invariants.list("architectures", architectures);
        Invariants.nonEmpty("architectures", architectures);
        Invariants.atLeast("slots", slots, 0);
        running = Invariants.list("running", running);
        Invariants.required("at", at);
    }

    @Override
    public String key() {
        return executorId.value();
    }

    @Override
    public EventType<ExecutorHeartbeat> eventType() {
        return EventType.EXECUTOR_HEARTBEAT;
    }
}
