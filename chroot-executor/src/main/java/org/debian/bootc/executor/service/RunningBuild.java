package org.debian.bootc.executor.service;

import java.time.Instant;
import java.util.Optional;

import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.buildroot.Buildroot;

/**
 * A build attempt while it runs: what cancels it, what times it out, where its
 * live log is. Stopping it kills its buildroot's namespace, so every process of
 * the build dies at once.
 */
public final class RunningBuild {

    private final TaskId taskId;
    private final int attempt;
    private final BuildrootId buildrootId;
    private final Instant deadline;
    private volatile Buildroot buildroot;
    private volatile String cancelReason;
    private volatile String interruptReason;
    private volatile boolean timedOut;
    private volatile String limitReason;

    public RunningBuild(TaskId taskId, int attempt, BuildrootId buildrootId, Instant deadline) {
        this.taskId = taskId;
        this.attempt = attempt;
        this.buildrootId = buildrootId;
        this.deadline = deadline;
    }

    public TaskId taskId() {
        return taskId;
    }

    public int attempt() {
        return attempt;
    }

    public BuildrootId buildrootId() {
        return buildrootId;
    }

    public Instant deadline() {
        return deadline;
    }

    void attach(Buildroot root) {
        this.buildroot = root;
        if (cancelReason != null || interruptReason != null || timedOut || limitReason != null) {
            root.kill();
        }
    }

    /** Stops the build: its processes are killed now, and it ends as {@code Cancelled}. */
    public void cancel(String reason) {
        cancelReason = reason == null || reason.isBlank() ? "cancelled" : reason;
        killAttached();
    }

    /**
     * The executor shuts down: the build's processes are killed now, and it ends as
     * {@code Interrupted} (result {@code error}, so the scheduler runs the task again).
     */
    public void interrupt(String reason) {
        interruptReason = reason;
        killAttached();
    }

    private void killAttached() {
        Buildroot root = buildroot;
        if (root != null) {
            root.kill();
        }
    }

    public Optional<String> interruptReason() {
        return Optional.ofNullable(interruptReason);
    }

    /** The build ran past its deadline: its processes are killed now, and it ends as {@code BuildTimeout}. */
    void timeOut() {
        timedOut = true;
        killAttached();
    }

    /**
     * The build went past one of its limits (memory, processes, disk): its processes are killed
     * now, and it ends as a {@code BuildError} (the package is at fault) naming the limit.
     */
    void limitReached(String reason) {
        if (limitReason == null) {
            limitReason = reason;
        }
        killAttached();
    }

    public Optional<String> limitReason() {
        return Optional.ofNullable(limitReason);
    }

    public Optional<String> cancelReason() {
        return Optional.ofNullable(cancelReason);
    }

    public boolean timedOut() {
        return timedOut;
    }
}
