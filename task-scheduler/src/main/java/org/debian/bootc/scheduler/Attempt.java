package org.debian.bootc.scheduler;

import java.time.Instant;

import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;

/**
 * One attempt of a task. {@code applied} says its result decided the task; a result
 * of an attempt that was superseded or cancelled is recorded with {@code applied} false.
 */
public record Attempt(TaskId taskId, int attempt, Integer supersedes, ExecutorId executorId, Instant leaseExpiresAt,
        Instant dispatchedAt, BuildrootId buildrootId, String result, String logLocation, String logTail,
        Long durationMillis, boolean applied, Instant endedAt, String endReason, TaskId reusedTaskId,
        Integer reusedAttempt) {
}
