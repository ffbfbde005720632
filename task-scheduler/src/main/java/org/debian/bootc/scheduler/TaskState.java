package org.debian.bootc.scheduler;

import java.time.Instant;

import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

/**
 * Where a task is: what the state machine changes. {@code currentAttempt} is 0 until the
 * first dispatch; its result decides the task. {@code notBefore} holds a retry back.
 */
public record TaskState(TaskStatus status, TaskResult result, String reason, int currentAttempt, Instant notBefore,
        Instant createdAt, Instant updatedAt, Instant completedAt) {

    /** A task as package-build-queued makes it: blocked until its dependencies are looked at. */
    public static final TaskState NEW = new TaskState(TaskStatus.BLOCKED, null, null, 0, null, null, null, null);

    /** This state after a change of status, as the row now reads. */
    public TaskState with(TaskStatus newStatus, TaskResult newResult, String newReason, Instant newNotBefore) {
        return new TaskState(newStatus, newResult, newReason, currentAttempt, newNotBefore, createdAt, updatedAt,
                completedAt);
    }

    /** This state with another current attempt. */
    public TaskState withAttempt(int attempt) {
        return new TaskState(status, result, reason, attempt, notBefore, createdAt, updatedAt, completedAt);
    }

    public boolean terminal() {
        return status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED;
    }
}
