package org.debian.bootc.scheduler.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.repository.AttemptRepository.Buildroot;
import org.debian.bootc.scheduler.repository.TaskRepository.Dependency;

/** What the REST API and the dashboard show; JSON as written by Jackson. */
public final class Views {

    private Views() {
    }

    /** A typed id as the JSON and the dashboard show it: its text, or null. */
    static String text(Object id) {
        return id == null ? null : id.toString();
    }

    /** A compose with its progress: task counts by status and by result. */
    public record ComposeSummary(String composeId, boolean planned, Integer expectedTasks, long tasks,
            Map<String, Long> byStatus, Map<String, Long> byResult, long terminal, String outcome, Instant builtAt,
            Instant cancelledAt, String cancelledBy, String cancelReason, Instant createdAt, String handoffError) {

        /** Percent of the expected (or known) tasks that are terminal. */
        public int percentDone() {
            long total = expectedTasks != null ? expectedTasks : tasks;
            return total == 0 ? 100 : (int) (terminal * 100 / total);
        }

        /** One word for the compose's state, as the dashboard shows it. */
        public String state() {
            if (cancelledAt != null) {
                return "cancelled";
            }
            if (handoffError != null) {
                return "done (" + outcome + "), not handed off";
            }
            if (outcome != null) {
                return "built (" + outcome + ")";
            }
            return planned ? "building" : "waiting for plan";
        }
    }

    /** A compose with its tasks. */
    public record ComposeDetail(ComposeSummary compose, List<TaskSummary> tasks) {
    }

    /** One task in a list. */
    public record TaskSummary(String taskId, String composeId, String source, String version, String architecture,
            String status, String result, String reason, int attempt, Instant updatedAt) {

        public static TaskSummary of(Task t) {
            return new TaskSummary(t.taskId().value(), t.composeId().value(), t.source(), t.version(), t.architecture(),
                    t.status().wireName(), t.result() == null ? null : t.result().wireName(), t.reason(),
                    t.currentAttempt(), t.updatedAt());
        }
    }

    /** One attempt, with its buildroot and artifacts. */
    public record AttemptView(int attempt, Integer supersedes, String executorId, Instant leaseExpiresAt,
            Instant dispatchedAt, String result, boolean applied, Instant endedAt, String endReason,
            String logLocation, String logTail, Long durationMillis, String reusedFrom, BuildrootView buildroot,
            List<ArtifactRef> artifacts) {

        public static AttemptView of(Attempt a, Buildroot buildroot, List<ArtifactRef> artifacts) {
            return new AttemptView(a.attempt(), a.supersedes(), text(a.executorId()), a.leaseExpiresAt(),
                    a.dispatchedAt(), a.result(), a.applied(), a.endedAt(), a.endReason(), a.logLocation(),
                    a.logTail(), a.durationMillis(),
                    a.reusedTaskId() == null ? null : a.reusedTaskId() + " attempt " + a.reusedAttempt(),
                    buildroot == null ? null : new BuildrootView(text(buildroot.buildrootId()),
                            text(buildroot.executorId()),
                            buildroot.baseKey(), buildroot.installed(), buildroot.createdAt(), buildroot.state(),
                            buildroot.expiredAt(), buildroot.expiredReason()),
                    artifacts);
        }
    }

    /**
     * A buildroot: where an attempt ran and what was installed in it ({@code installed} is a
     * JSON array); {@code state} is {@code building} while the attempt runs, {@code expired}
     * (at {@code expiredAt}, for {@code expiredReason}) once it has ended.
     */
    public record BuildrootView(String buildrootId, String executorId, String baseKey, String installed,
            Instant createdAt, String state, Instant expiredAt, String expiredReason) {
    }

    /** One dependency of a task and its state. */
    public record DependencyView(String taskId, String status, String result) {

        public static DependencyView of(Dependency d) {
            return new DependencyView(d.taskId().value(), d.status() == null ? "not received" : d.status().wireName(),
                    d.result() == null ? null : d.result().wireName());
        }
    }

    /** A task with everything about it. */
    public record TaskDetail(TaskSummary task, String suite, String buildType, String buildProfile,
            String contentKey, Instant createdAt, Instant completedAt, List<DependencyView> waitsFor,
            List<String> dependents, List<AttemptView> attempts) {
    }
}
