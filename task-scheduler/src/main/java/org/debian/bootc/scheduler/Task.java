package org.debian.bootc.scheduler;

import java.time.Instant;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

/**
 * One task as stored: a source package built for one architecture in one compose.
 * {@code currentAttempt} is 0 until the first dispatch; its result decides the task.
 */
public record Task(TaskId taskId, ComposeId composeId, String source, String version, String architecture,
        String suite, String archive, String inReleaseSha256, String buildType, String buildProfile,
        String sourcePackage, String contentKey, TaskStatus status, TaskResult result, String reason,
        int currentAttempt, Instant notBefore, Instant createdAt, Instant updatedAt, Instant completedAt) {

    /** The attempt number a status event carries: the current one, or 1 before any dispatch. */
    public int eventAttempt() {
        return Math.max(1, currentAttempt);
    }

    /** This task after a state change, as the row now reads. */
    public Task with(TaskStatus newStatus, TaskResult newResult, String newReason, Instant newNotBefore) {
        return new Task(taskId, composeId, source, version, architecture, suite, archive, inReleaseSha256, buildType,
                buildProfile, sourcePackage, contentKey, newStatus, newResult, newReason, currentAttempt, newNotBefore,
                createdAt, updatedAt, completedAt);
    }

    /** This task with another current attempt. */
    public Task withAttempt(int attempt) {
        return new Task(taskId, composeId, source, version, architecture, suite, archive, inReleaseSha256, buildType,
                buildProfile, sourcePackage, contentKey, status, result, reason, attempt, notBefore, createdAt,
                updatedAt, completedAt);
    }

    public boolean terminal() {
        return status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED;
    }
}
