package org.debian.bootc.scheduler;

import java.time.Instant;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

/**
 * One task as stored: its immutable description ({@link TaskSpec}) and its changing
 * state ({@link TaskState}). A change makes a new {@code Task} with the same spec; the
 * accessors below read through to the part that holds the value.
 */
public record Task(TaskSpec spec, TaskState state) {

    /** The attempt number a status event carries: the current one, or 1 before any dispatch. */
    public int eventAttempt() {
        return Math.max(1, state.currentAttempt());
    }

    /** This task after a state change, as the row now reads. */
    public Task with(TaskStatus newStatus, TaskResult newResult, String newReason, Instant newNotBefore) {
        return new Task(spec, state.with(newStatus, newResult, newReason, newNotBefore));
    }

    /** This task with another current attempt. */
    public Task withAttempt(int attempt) {
        return new Task(spec, state.withAttempt(attempt));
    }

    public boolean terminal() {
        return state.terminal();
    }

    // ---------------------------------------------------------------- the description

    public TaskId taskId() {
        return spec.taskId();
    }

    public ComposeId composeId() {
        return spec.composeId();
    }

    public String source() {
        return spec.source();
    }

    public String version() {
        return spec.version();
    }

    public String architecture() {
        return spec.architecture();
    }

    public String suite() {
        return spec.suite();
    }

    public String archive() {
        return spec.archive();
    }

    public String inReleaseSha256() {
        return spec.inReleaseSha256();
    }

    public String buildType() {
        return spec.buildType();
    }

    public String buildProfile() {
        return spec.buildProfile();
    }

    public String sourcePackage() {
        return spec.sourcePackage();
    }

    public String contentKey() {
        return spec.contentKey();
    }

    // ---------------------------------------------------------------- the state

    public TaskStatus status() {
        return state.status();
    }

    public TaskResult result() {
        return state.result();
    }

    public String reason() {
        return state.reason();
    }

    public int currentAttempt() {
        return state.currentAttempt();
    }

    public Instant notBefore() {
        return state.notBefore();
    }

    public Instant createdAt() {
        return state.createdAt();
    }

    public Instant updatedAt() {
        return state.updatedAt();
    }

    public Instant completedAt() {
        return state.completedAt();
    }
}
