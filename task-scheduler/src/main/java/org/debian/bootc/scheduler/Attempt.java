package org.debian.bootc.scheduler;

import java.time.Instant;

/**
 * One attempt of a task. {@code applied} says its result decided the task; a result
 * of an attempt that was superseded or cancelled is recorded with {@code applied} false.
 */
public record Attempt(String taskId, int attempt, Integer supersedes, String executorId, Instant leaseExpiresAt,
        Instant dispatchedAt, String buildrootId, String result, String logLocation, String logTail,
        Long durationMillis, boolean applied, Instant endedAt, String endReason, String reusedTaskId,
        Integer reusedAttempt) {
}
