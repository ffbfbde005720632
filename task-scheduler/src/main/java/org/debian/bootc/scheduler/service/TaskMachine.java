package org.debian.bootc.scheduler.service;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RejectedEventException;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.repository.AttemptRepository.ContentKey;
import org.debian.bootc.scheduler.repository.TaskRepository.Dependency;

/**
 * The decisions of the task state machine (docs/task-states.md), apart from the
 * database: each method takes what {@link TaskScheduler} loaded (a task, its compose,
 * its dependencies' states, the other tasks of its content key, the clock) and returns
 * what should happen, which the scheduler then writes. debusine keeps its scheduling
 * decisions apart from the database the same way, so every rule here is tested in
 * milliseconds ({@code TaskMachineTest}) and {@code TaskLifecycleIT} proves the wiring.
 * No I/O, no state of its own.
 */
public final class TaskMachine {

    static final String NO_EXECUTOR = "no executor serves ";
    static final String WAITING_FOR_PLAN = "waiting for the compose's plan (compose-planned)";

    /** The configuration the decisions depend on (from {@code SchedulerConfig}). */
    public record Rules(Duration lease, int maxAttempts, Duration retryBackoff, Duration executorWindow) {
    }

    /** What a cancel did. */
    public record CancelResult(Kind kind, int aborted, int stopped, String message) {
        /** How a cancel request ended. */
        public enum Kind {
            CANCELLED, UNKNOWN, ALREADY_CANCELLED, ALREADY_BUILT
        }
    }

    /** What a retry did. */
    public record RetryResult(Kind kind, String message) {
        /** How a retry request ended. */
        public enum Kind {
            RETRIED, UNKNOWN, CONFLICT
        }
    }

    /** What gating decides for a new or blocked task, from its compose and its dependencies. */
    public sealed interface Gate {
        /** Its compose was cancelled: aborted. */
        record Abort(String reason) implements Gate {
        }

        /** A dependency failed or was aborted: completed, skipped. */
        record Skip(String reason) implements Gate {
        }

        /** Some dependency has not completed yet: blocked with the reason. */
        record Block(String reason) implements Gate {
        }

        /** Every dependency succeeded: see {@link TaskMachine#next}. */
        record Ready() implements Gate {
        }
    }

    /** What a task whose dependencies all succeeded does next. */
    public sealed interface Next {
        /** Its content key was built with success by another task: a new attempt that takes over its artifacts. */
        record Reuse(Attempt source, int attempt, Integer supersedes, String reason) implements Next {
        }

        /** It cannot go yet; {@code announce} is false when it already is pending for this very reason. */
        record Wait(String reason, boolean announce) implements Next {
        }

        /** Its next attempt goes to {@code build-tasks.<arch>} with a lease. */
        record Dispatch(int attempt, Integer supersedes, Instant leaseExpiresAt, String reason) implements Next {
        }
    }

    /** How the result of a live attempt, or an expired lease, ends the task's current attempt. */
    public sealed interface End {
        /** The task completes with {@code result}. */
        record Complete(TaskResult result, String reason) implements End {
        }

        /** Infrastructure trouble: see {@link TaskMachine#trouble}. */
        record Trouble(String what) implements End {
        }
    }

    /**
     * What a {@code package-built} of a dispatched attempt that has no result yet does:
     * it is recorded, {@code applied} only when it is the task's live attempt; then
     * {@code end} says what it does to the task (empty when not applied).
     */
    public record Built(boolean applied, String buildrootReason, Optional<End> end) {
    }

    /** After infrastructure trouble: a new attempt after a backoff, or completed with error. */
    public sealed interface Retry {
        /** No attempts left: completed with error. */
        record GiveUp(String reason) implements Retry {
        }

        /** Pending until {@code notBefore}; {@code atOnce} when there is no backoff to wait for. */
        record Backoff(Instant notBefore, String reason, boolean atOnce) implements Retry {
        }
    }

    /** What the dispatch pass does with an attempt whose lease seems to have run out. */
    public sealed interface Expiry {
        /** Renewed or ended meanwhile: nothing. */
        record Unchanged() implements Expiry {
        }

        /** No executor has taken it yet: its lease moves on to {@code until}. */
        record StillQueued(Instant until) implements Expiry {
        }

        /**
         * The attempt ends ({@code endReason}, its buildroots expire with
         * {@code buildrootReason}), executors are told ({@code cancelReason}), and the task
         * goes through {@link TaskMachine#trouble} with {@code why}.
         */
        record Supersede(String why, String endReason, String buildrootReason, String cancelReason)
                implements Expiry {
        }
    }

    /** What cancelling a compose does to one of its tasks. */
    public enum CancelAction {
        /** Pending or blocked: aborted. */
        ABORT,
        /** Running: its attempt ends, executors are told, and it is aborted. */
        STOP,
        /** Completed or aborted: stays as it is. */
        KEEP
    }

    private final Rules rules;

    public TaskMachine(Rules rules) {
        this.rules = rules;
    }

    public Rules rules() {
        return rules;
    }

    // ---------------------------------------------------------------- inputs checked

    /** The task a result or chroot-ready names; unknown, or of another compose, is rejected (dead-lettered). */
    public static Task known(Optional<Task> found, TaskId taskId, ComposeId composeId) {
        Task task = found.orElseThrow(() -> reject("taskId", taskId.value(), "is unknown to the scheduler"));
        if (!task.composeId().equals(composeId)) {
            throw reject("composeId", composeId.value(), "does not match task " + taskId
                    + ", which belongs to compose " + task.composeId());
        }
        return task;
    }

    /** The attempt a result or chroot-ready names; one never dispatched is rejected (dead-lettered). */
    public static Attempt dispatched(Task task, int attempt, Optional<Attempt> found) {
        return found.filter(a -> a.dispatchedAt() != null)
                .orElseThrow(() -> reject("attempt", String.valueOf(attempt), "was never dispatched for task "
                        + task.taskId() + " (its current attempt is " + task.currentAttempt() + ")"));
    }

    // ---------------------------------------------------------------- gating and dispatch

    /** Gates a new or blocked task on its compose and on its dependencies (in id order). */
    public Gate gate(Compose compose, List<Dependency> dependencies) {
        if (compose.cancelled()) {
            return new Gate.Abort("compose cancelled by " + compose.cancelledBy()
                    + (compose.cancelReason() == null ? "" : ": " + compose.cancelReason()));
        }
        for (Dependency dep : dependencies) {
            if (dep.status() == TaskStatus.ABORTED
                    || (dep.status() == TaskStatus.COMPLETED && dep.result() != TaskResult.SUCCESS)) {
                return new Gate.Skip("dependency " + dep.taskId() + " " + (dep.status() == TaskStatus.ABORTED
                        ? "was aborted" : "completed with " + dep.result().wireName()));
            }
        }
        List<String> waiting = dependencies.stream()
                .filter(d -> d.status() != TaskStatus.COMPLETED || d.result() != TaskResult.SUCCESS)
                .map(d -> d.taskId().value()).toList();
        if (!waiting.isEmpty()) {
            return new Gate.Block("waiting for " + String.join(", ", waiting.subList(0, Math.min(3, waiting.size())))
                    + (waiting.size() > 3 ? " and " + (waiting.size() - 3) + " more" : ""));
        }
        return new Gate.Ready();
    }

    /**
     * A task whose dependencies all succeeded: reuse a success of its content key, wait
     * (for the build of its content key in flight, the plan, its backoff, an executor of
     * its architecture), or dispatch its next attempt. {@code from} is the status it
     * leaves (null for a new task); {@code served} the architectures with a live executor.
     */
    public Next next(Compose compose, Task task, TaskStatus from, ContentKey others, Set<String> served,
            Instant now) {
        // Unchanged inputs are never built twice: reuse a success, or wait for the build in flight.
        Optional<Attempt> reuse = others.reusable();
        int n = task.currentAttempt() + 1;
        Integer supersedes = task.currentAttempt() == 0 ? null : task.currentAttempt();
        if (reuse.isPresent()) {
            Attempt source = reuse.get();
            return new Next.Reuse(source, n, supersedes, "content key " + task.contentKey().substring(0, 12)
                    + " was built by " + source.taskId() + " attempt " + source.attempt()
                    + ": its artifacts are reused, nothing is rebuilt");
        }
        String blocker = null;
        Optional<TaskId> twin = others.buildingTask();
        if (twin.isPresent()) {
            blocker = "waiting for " + twin.get() + ", which is building the same content key "
                    + task.contentKey().substring(0, 12) + ": its result is reused if it succeeds";
        } else if (!compose.planned()) {
            blocker = WAITING_FOR_PLAN;
        } else if (task.notBefore() != null && task.notBefore().isAfter(now)) {
            blocker = task.reason();
        } else if (!served.contains(task.architecture())) {
            blocker = NO_EXECUTOR + task.architecture() + " (none heartbeated within "
                    + rules.executorWindow().toSeconds() + " s)";
        }
        if (blocker != null) {
            return new Next.Wait(blocker, from != TaskStatus.PENDING || !blocker.equals(task.reason()));
        }
        // A new or blocked task that can go at once was never pending in any committed state: its row is
        // written once, as running, and it gets one task-status event, from what it was to running.
        String reason = (from == TaskStatus.BLOCKED ? "every dependency completed with success; " : "")
                + "attempt " + n + " dispatched to build-tasks." + task.architecture()
                + (n > 1 ? ", superseding attempt " + (n - 1) : "");
        return new Next.Dispatch(n, supersedes, now.plus(rules.lease()), reason);
    }

    /**
     * The {@code build-task-dispatched} of a dispatch: the task's archive and InRelease, or
     * the plan's when the task names none, and the plan's extra repositories.
     */
    public static BuildTaskDispatched dispatchEvent(Task task, Next.Dispatch dispatch, SourcePackage source,
            ComposePlan plan) {
        return new BuildTaskDispatched(task.taskId(), dispatch.attempt(), task.composeId(),
                source, task.architecture(), task.suite(),
                task.archive() != null ? task.archive() : plan.archive(),
                task.inReleaseSha256() != null ? task.inReleaseSha256() : plan.inReleaseSha256(),
                BuildType.fromWireName(task.buildType()), task.buildProfile(), task.contentKey(),
                dispatch.leaseExpiresAt(), plan.extraRepositories());
    }

    // ---------------------------------------------------------------- results, leases, retries

    /**
     * A {@code package-built} of a dispatched attempt: empty when that attempt already has a
     * result (the repeated result changes nothing); else how it is recorded and applied.
     */
    public Optional<Built> built(Task task, Attempt attempt, PackageBuilt e) {
        if (attempt.result() != null) {
            return Optional.empty();
        }
        boolean live = task.status() == TaskStatus.RUNNING && attempt.attempt() == task.currentAttempt()
                && attempt.endedAt() == null;
        String buildrootReason = "package-built " + e.result().wireName() + (live ? "" : " (late, not applied)");
        if (!live) {
            return Optional.of(new Built(false, buildrootReason, Optional.empty()));
        }
        int n = attempt.attempt();
        End end = switch (e.result()) {
            case SUCCESS -> new End.Complete(TaskResult.SUCCESS, null);
            case FAILURE -> new End.Complete(TaskResult.FAILURE, "attempt " + n + " failed to build"
                    + lastLine(e.logTail()));
            case ERROR -> new End.Trouble("attempt " + n + " ended in error" + lastLine(e.logTail()));
            default -> throw reject("result", e.result().wireName(), "is not a build result the scheduler knows");
        };
        return Optional.of(new Built(true, buildrootReason, Optional.of(end)));
    }

    /**
     * An error result or an expired lease of the task's current attempt: a new attempt after
     * {@code retry-backoff · 2^(n-1)}, or completed with error once {@code max-attempts} are spent.
     */
    public Retry trouble(Task task, String what, Instant now) {
        int n = task.currentAttempt();
        if (n >= rules.maxAttempts()) {
            return new Retry.GiveUp(what + "; no attempts left (max-attempts " + rules.maxAttempts() + ")");
        }
        Duration backoff = rules.retryBackoff().multipliedBy(1L << Math.min(20, n - 1));
        Instant notBefore = now.plus(backoff);
        return new Retry.Backoff(notBefore, what + "; attempt " + (n + 1) + " not before "
                + notBefore.truncatedTo(ChronoUnit.MILLIS), backoff.isZero());
    }

    /** An attempt the lease scan found expired, read again under the compose's lock. */
    public Expiry expire(Task task, Attempt attempt, Instant now) {
        if (task.status() != TaskStatus.RUNNING || task.currentAttempt() != attempt.attempt()
                || attempt.endedAt() != null || attempt.leaseExpiresAt() == null
                || attempt.leaseExpiresAt().isAfter(now)) {
            return new Expiry.Unchanged();
        }
        if (attempt.executorId() == null) {
            // No executor has taken it yet: its record waits in build-tasks.<arch> behind other builds (or for an
            // executor to come back), and Kafka keeps it there. A new attempt would only queue a copy behind it
            // and use up a retry; a long queue would make tasks fail. A free Koji task stays free until a builder
            // takes it: so does this one, its lease moved on.
            return new Expiry.StillQueued(now.plus(rules.lease()));
        }
        String why = "lease of attempt " + attempt.attempt() + " expired at "
                + attempt.leaseExpiresAt().truncatedTo(ChronoUnit.SECONDS) + " (held by " + attempt.executorId() + ")";
        return new Expiry.Supersede(why, "superseded: " + why,
                task.currentAttempt() < rules.maxAttempts()
                        ? "superseded by attempt " + (attempt.attempt() + 1) + ": " + why
                        : why + "; no attempts left",
                why + "; a new attempt supersedes it");
    }

    /** The lease a heartbeat gives the attempts its executor reports running. */
    public Instant renewedLease(Instant now) {
        return now.plus(rules.lease());
    }

    /**
     * The reason a buildroot named by chroot-ready is recorded {@code expired} at once: its
     * attempt had already ended (the event came after the result, the supersede or the
     * cancel). Null while the attempt runs: the buildroot is {@code building}.
     */
    public static String lateBuildroot(Attempt attempt) {
        return attempt.endedAt() == null ? null
                : "chroot-ready arrived late: attempt " + attempt.attempt() + " had already ended ("
                        + (attempt.endReason() != null ? attempt.endReason() : attempt.result()) + ")";
    }

    // ---------------------------------------------------------------- operators

    /** Why a cancel of this compose changes nothing, if it does not. */
    public static Optional<CancelResult> refuseCancel(Compose compose) {
        if (compose.cancelled()) {
            return Optional.of(new CancelResult(CancelResult.Kind.ALREADY_CANCELLED, 0, 0, "compose "
                    + compose.composeId() + " was already cancelled at " + compose.cancelledAt() + " by "
                    + compose.cancelledBy()));
        }
        if (compose.builtAt() != null) {
            return Optional.of(new CancelResult(CancelResult.Kind.ALREADY_BUILT, 0, 0, "compose "
                    + compose.composeId() + " was already handed off (compose-built, outcome " + compose.outcome()
                    + ")"));
        }
        return Optional.empty();
    }

    /** The reason every task a cancel ends carries. */
    public static String cancelReason(String by, String reason) {
        return "compose cancelled by " + by + (reason == null ? "" : ": " + reason);
    }

    /** What a cancel does to one task of the compose. */
    public static CancelAction cancel(Task task) {
        return switch (task.status()) {
            case PENDING, BLOCKED -> CancelAction.ABORT;
            case RUNNING -> CancelAction.STOP;
            default -> CancelAction.KEEP;
        };
    }

    /** What a cancel that went through answers. */
    public static CancelResult cancelled(String why, int aborted, int stopped) {
        return new CancelResult(CancelResult.Kind.CANCELLED, aborted, stopped,
                why + ": " + aborted + " waiting task(s) aborted, " + stopped + " running task(s) told to stop");
    }

    /** Why a retry of this task is refused, if it is: only a task that completed with failure or error. */
    public static Optional<RetryResult> refuseRetry(Compose compose, Task task) {
        if (compose.cancelled()) {
            return Optional.of(new RetryResult(RetryResult.Kind.CONFLICT, "compose " + compose.composeId()
                    + " was cancelled"));
        }
        if (task.status() != TaskStatus.COMPLETED
                || (task.result() != TaskResult.FAILURE && task.result() != TaskResult.ERROR)) {
            return Optional.of(new RetryResult(RetryResult.Kind.CONFLICT, "task " + task.taskId() + " is "
                    + describe(task) + ": only a task that completed with failure or error can be retried"));
        }
        return Optional.empty();
    }

    /** What a retry that went through answers. */
    public static RetryResult retried(Task task) {
        return new RetryResult(RetryResult.Kind.RETRIED, "task " + task.taskId() + " will run as attempt "
                + (task.currentAttempt() + 1));
    }

    /** Whether a dependent of a retried task waits again: it was skipped (because of it, or of one skipped so). */
    public static boolean unskips(Task dependent) {
        return dependent.status() == TaskStatus.COMPLETED && dependent.result() == TaskResult.SKIPPED;
    }

    // ---------------------------------------------------------------- hand-off

    /** Whether a compose can still be handed off: planned, not handed off yet, not cancelled. */
    public static boolean awaitsHandOff(Compose compose) {
        return compose.planned() && compose.builtAt() == null && !compose.cancelled();
    }

    /**
     * The compose-built a compose is handed off with once every task it announced has
     * arrived and every task of it has ended: every announced task's result (a task without
     * one counts as skipped) and the artifacts of its applied attempt (for a success only),
     * in the tasks' order, and the failable verdict of the plan. Empty before that.
     */
    public static Optional<ComposeBuilt> handOff(Compose compose, List<TaskId> announced, List<Task> tasks,
            Map<TaskId, List<ArtifactRef>> artifacts, ComposePlan plan) {
        Set<TaskId> expected = new HashSet<>(announced);
        Set<TaskId> arrived = new HashSet<>();
        for (Task task : tasks) {
            if (!task.terminal()) {
                return Optional.empty();
            }
            arrived.add(task.taskId());
        }
        if (!arrived.containsAll(expected)) {
            return Optional.empty(); // some announced tasks have not arrived yet
        }
        List<PackageResult> results = new ArrayList<>();
        for (Task task : tasks) {
            if (!expected.contains(task.taskId())) {
                continue;
            }
            TaskResult result = task.result() != null ? task.result() : TaskResult.SKIPPED;
            results.add(new PackageResult(task.taskId(), task.source(), task.version(),
                    task.architecture(), result, result == TaskResult.SUCCESS
                            ? artifacts.getOrDefault(task.taskId(), List.of()) : List.of()));
        }
        return Optional.of(new ComposeBuilt(compose.composeId(), results,
                plan.failable().judge(results), plan));
    }

    /** What a compose records when its compose-built cannot be written (over the event size limit). */
    public static String handOffError(Compose compose, String problem) {
        return "compose-built could not be written: " + problem + "; its content is at GET /api/composes/"
                + compose.composeId() + "/results";
    }

    // ---------------------------------------------------------------- helpers

    private static String describe(Task task) {
        return task.status().wireName() + (task.result() == null ? "" : " with " + task.result().wireName());
    }

    /** The last line of a log tail, for a reason: ": <line>" (200 characters at most), or nothing. */
    static String lastLine(String logTail) {
        if (logTail == null || logTail.isBlank()) {
            return "";
        }
        String[] lines = logTail.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return ": " + (last.length() > 200 ? last.substring(0, 200) + "…" : last);
    }

    private static RejectedEventException reject(String field, String value, String why) {
        return new RejectedEventException(new InvalidEventException(field + " '" + value + "' " + why));
    }
}
