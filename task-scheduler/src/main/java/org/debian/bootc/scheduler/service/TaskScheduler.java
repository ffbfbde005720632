package org.debian.bootc.scheduler.service;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RejectedEventException;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.messaging.Outbox;
import org.debian.bootc.scheduler.repository.AttemptRepository;
import org.debian.bootc.scheduler.repository.AttemptRepository.Expired;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.ExecutorRepository;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.TaskRepository;
import org.debian.bootc.scheduler.repository.TaskRepository.Dependency;

/**
 * The task state machine (docs/task-states.md). Every method runs inside the caller's
 * transaction and first locks the compose row, so the changes to one compose's tasks
 * are serialised however many consumers, timers and REST calls act on it. Every
 * status change writes a {@code task-status} event to the outbox in the same
 * transaction; so do dispatches, cancellations and the hand-off.
 */
@ApplicationScoped
public class TaskScheduler {

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

    private static final Logger LOG = Logger.getLogger(TaskScheduler.class);
    static final String NO_EXECUTOR = "no executor serves ";
    static final String WAITING_FOR_PLAN = "waiting for the compose's plan (compose-planned)";

    private final SchedulerConfig config;
    private final ComposeRepository composes;
    private final TaskRepository tasks;
    private final AttemptRepository attempts;
    private final ExecutorRepository executors;
    private final Outbox outbox;
    private final ObjectMapper mapper;
    private final java.util.Map<String, ComposePlan> plans = new java.util.concurrent.ConcurrentHashMap<>();

    public TaskScheduler(SchedulerConfig config, ComposeRepository composes, TaskRepository tasks,
            AttemptRepository attempts, ExecutorRepository executors, Outbox outbox, EventCodec codec) {
        this.config = config;
        this.composes = composes;
        this.tasks = tasks;
        this.attempts = attempts;
        this.executors = executors;
        this.outbox = outbox;
        this.mapper = codec.mapper();
    }

    // ---------------------------------------------------------------- inputs

    /** package-build-queued: persist the task once (task id and natural key), then gate it. */
    public void queued(Sql sql, PackageBuildQueued e) throws SQLException {
        Compose compose = composes.lockOrCreate(sql, e.composeId().value());
        Task task = newTask(e);
        if (!tasks.insert(sql, task)) {
            LOG.infof("task %s (%s on %s in %s) is already known; the duplicate changes nothing", e.taskId(),
                    e.source().name(), e.architecture(), e.composeId());
            return;
        }
        gateNew(sql, compose, task, e);
    }

    /**
     * A batch of package-build-queued, set-based where the order does not matter: the
     * composes are created and locked once, in id order, and the tasks inserted with one
     * statement. Returns the task ids inserted now (the others are duplicates); each is
     * then gated, in the batch's order, by {@link #gateQueued}.
     */
    public Set<String> prepareQueued(Sql sql, List<PackageBuildQueued> batch) throws SQLException {
        composes.lockOrCreateAll(sql, batch.stream().map(e -> e.composeId().value()).toList());
        Set<String> inserted = tasks.insertAll(sql, batch.stream().map(this::newTask).toList());
        // what gating them asks, read once for the batch: the states of what they wait for, and their content keys
        List<PackageBuildQueued> fresh = batch.stream().filter(e -> inserted.contains(e.taskId().value())).toList();
        tasks.prefetchStates(sql, fresh.stream().flatMap(e -> e.waitsFor().stream()).map(TaskId::value).toList());
        attempts.prefetchContentKeys(sql, fresh.stream().map(PackageBuildQueued::contentKey).toList());
        return inserted;
    }

    /**
     * Gates one task of a batch prepared by {@link #prepareQueued}: its dependency edges
     * go in only now, so a task earlier in the batch that completes at once finds no
     * dependent that has not been gated yet.
     */
    public void gateQueued(Sql sql, PackageBuildQueued e, boolean inserted) throws SQLException {
        if (!inserted) {
            LOG.infof("task %s (%s on %s in %s) is already known; the duplicate changes nothing", e.taskId(),
                    e.source().name(), e.architecture(), e.composeId());
            return;
        }
        gateNew(sql, composes.lock(sql, e.composeId().value()).orElseThrow(), newTask(e), e);
    }

    /**
     * Locks, once, the composes a batch of package-built is about, in id order, and reads
     * the dependents of all its tasks in one query (no edge to them can be added while
     * their composes are locked).
     */
    public void prepareBuilt(Sql sql, List<PackageBuilt> batch) throws SQLException {
        composes.lockAll(sql, batch.stream().map(e -> e.composeId().value()).toList());
        List<String> ids = batch.stream().map(e -> e.taskId().value()).distinct().toList();
        tasks.prefetch(sql, ids);
        java.util.Map<String, Integer> attemptOf = new java.util.HashMap<>();
        batch.forEach(e -> attemptOf.putIfAbsent(e.taskId().value(), e.attempt()));
        attempts.prefetch(sql, attemptOf);
        tasks.prefetchDependents(sql, ids);
        // the dependents a completion re-evaluates: their rows, what they wait for, their content keys
        Set<String> dependents = new HashSet<>();
        ids.forEach(id -> dependents.addAll(sql.dependents().getOrDefault(id, List.of())));
        dependents.removeAll(ids);
        tasks.prefetch(sql, dependents);
        tasks.prefetchDependencies(sql, dependents);
        List<String> keys = new ArrayList<>();
        for (String id : dependents) {
            tasks.find(sql, id).filter(t -> t.status() == TaskStatus.BLOCKED).ifPresent(t -> keys.add(t.contentKey()));
        }
        attempts.prefetchContentKeys(sql, keys);
    }

    private Task newTask(PackageBuildQueued e) {
        return new Task(e.taskId().value(), e.composeId().value(), e.source().name(), e.source().version(),
                e.architecture(), e.suite(), e.archive(), e.inReleaseSha256(), e.buildType().wireName(),
                e.buildProfile(), json(e.source()), e.contentKey(), TaskStatus.BLOCKED, null, null, 0, null, null,
                null, null);
    }

    private void gateNew(Sql sql, Compose compose, Task task, PackageBuildQueued e) throws SQLException {
        List<String> waitsFor = e.waitsFor().stream().map(TaskId::value).toList();
        tasks.addDependencies(sql, task.taskId(), waitsFor);
        evaluate(sql, compose, task, null, waitsFor.isEmpty());
    }

    /** compose-planned: the plan and the full list of task ids; dispatch what waited for it. */
    public void planned(Sql sql, ComposePlanned e) throws SQLException {
        Compose compose = composes.lockOrCreate(sql, e.composeId().value());
        if (compose.planned()) {
            LOG.infof("compose %s is already planned; the repeated plan changes nothing", e.composeId());
            return;
        }
        composes.plan(sql, compose.composeId(), json(e.plan()), e.tasks().stream().map(TaskId::value).toList());
        compose = composes.find(sql, compose.composeId()).orElseThrow();
        if (!compose.cancelled()) {
            for (Task task : tasks.ofCompose(sql, compose.composeId())) {
                if (task.status() == TaskStatus.PENDING) {
                    pend(sql, compose, task, TaskStatus.PENDING);
                }
            }
        }
        composeDone(sql, compose);
    }

    /**
     * chroot-ready: record the buildroot (Koji keeps every buildroot and what was installed
     * in it), {@code building}; or directly {@code expired} when its attempt has already
     * ended (the event arrived after the result, the supersede or the cancel).
     */
    public void chrootReady(Sql sql, ChrootReady e) throws SQLException {
        known(sql, e.taskId().value(), e.composeId().value());
        composes.lock(sql, e.composeId().value());
        Task task = tasks.find(sql, e.taskId().value()).orElseThrow();
        Attempt attempt = dispatchedAttempt(sql, task, e.attempt());
        String late = attempt.endedAt() == null ? null
                : "chroot-ready arrived late: attempt " + attempt.attempt() + " had already ended ("
                        + (attempt.endReason() != null ? attempt.endReason() : attempt.result()) + ")";
        attempts.addBuildroot(sql, e.buildrootId().value(), task.taskId(), attempt.attempt(), e.executorId().value(),
                e.architecture(), e.baseKey(), json(e.installed()), late);
    }

    /** package-built: record the attempt's end; apply it only when it is the task's current, live attempt. */
    public void built(Sql sql, PackageBuilt e) throws SQLException {
        boolean lockedBefore = sql.locked().containsKey(e.composeId().value());
        Task task = known(sql, e.taskId().value(), e.composeId().value());
        Compose compose = composes.lock(sql, e.composeId().value()).orElseThrow();
        if (!lockedBefore) {
            task = tasks.find(sql, task.taskId()).orElseThrow(); // read again, now that nobody else can change it
        }
        Attempt attempt = dispatchedAttempt(sql, task, e.attempt());
        if (attempt.result() != null) {
            LOG.infof("attempt %d of %s already ended with %s; the repeated result changes nothing", attempt.attempt(),
                    task.taskId(), attempt.result());
            return;
        }
        boolean live = task.status() == TaskStatus.RUNNING && attempt.attempt() == task.currentAttempt()
                && attempt.endedAt() == null;
        attempts.recordResult(sql, task.taskId(), attempt.attempt(), e.result().wireName(), e.executorId().value(),
                e.buildrootId().value(), e.logLocation(), e.logTail(), e.durationMillis(), live,
                "package-built " + e.result().wireName() + (live ? "" : " (late, not applied)"));
        attempts.addArtifacts(sql, task.taskId(), attempt.attempt(), e.artifacts());
        if (!live) {
            LOG.infof("late result %s of attempt %d of %s recorded, not applied (attempt %s; task %s, current attempt %d)",
                    e.result().wireName(), attempt.attempt(), task.taskId(),
                    attempt.endReason() == null ? "not current" : attempt.endReason(), task.status().wireName(),
                    task.currentAttempt());
            return;
        }
        int n = attempt.attempt();
        switch (e.result()) {
            case SUCCESS -> complete(sql, compose, task, TaskStatus.RUNNING, TaskResult.SUCCESS, null);
            case FAILURE -> complete(sql, compose, task, TaskStatus.RUNNING, TaskResult.FAILURE,
                    "attempt " + n + " failed to build" + lastLine(e.logTail()));
            case ERROR -> infrastructureTrouble(sql, compose, task, "attempt " + n + " ended in error" + lastLine(e.logTail()));
            default -> throw reject("result", e.result().wireName(), "is not a build result the scheduler knows");
        }
    }

    /**
     * executor-heartbeat: remember the executor and renew the leases of the tasks it
     * runs. Returns the architectures that were not served before this heartbeat.
     */
    public List<String> heartbeat(Sql sql, ExecutorHeartbeat e) throws SQLException {
        List<String> running = e.running().stream().map(TaskId::value).toList();
        List<String> newlyServed = executors.heartbeat(sql, e.executorId().value(), e.architectures(), e.slots(),
                running, config.executorWindow());
        attempts.renewLeases(sql, e.executorId().value(), running, Instant.now().plus(config.lease()));
        return newlyServed;
    }

    // ---------------------------------------------------------------- timers

    /** Dispatches one pending task if it still is pending and may go now. */
    public void dispatchPending(Sql sql, String taskId) throws SQLException {
        Optional<Task> found = tasks.find(sql, taskId);
        if (found.isEmpty()) {
            return;
        }
        Compose compose = composes.lock(sql, found.get().composeId()).orElseThrow();
        Task task = tasks.find(sql, taskId).orElseThrow();
        if (task.status() == TaskStatus.PENDING && !compose.cancelled()) {
            pend(sql, compose, task, TaskStatus.PENDING);
        }
    }

    /** A running attempt whose lease ran out: supersede it with a new attempt (or give up), and tell executors. */
    public void expire(Sql sql, Expired expired) throws SQLException {
        Compose compose = composes.lock(sql, expired.composeId()).orElseThrow();
        Task task = tasks.find(sql, expired.taskId()).orElseThrow();
        Attempt attempt = attempts.find(sql, expired.taskId(), expired.attempt()).orElseThrow();
        Instant now = Instant.now();
        if (task.status() != TaskStatus.RUNNING || task.currentAttempt() != attempt.attempt()
                || attempt.endedAt() != null || attempt.leaseExpiresAt() == null
                || attempt.leaseExpiresAt().isAfter(now)) {
            return; // renewed or ended meanwhile
        }
        if (attempt.executorId() == null) {
            // No executor has taken it yet: its record waits in build-tasks.<arch> behind other builds (or for an
            // executor to come back), and Kafka keeps it there. A new attempt would only queue a copy behind it
            // and use up a retry; a long queue would make tasks fail. A free Koji task stays free until a builder
            // takes it: so does this one, its lease moved on.
            attempts.extendLease(sql, task.taskId(), attempt.attempt(), now.plus(config.lease()));
            LOG.infof("attempt %d of %s is still queued on build-tasks.%s since %s: no executor has taken it yet",
                    attempt.attempt(), task.taskId(), task.architecture(), attempt.dispatchedAt());
            return;
        }
        String why = "lease of attempt " + attempt.attempt() + " expired at "
                + attempt.leaseExpiresAt().truncatedTo(ChronoUnit.SECONDS) + " (held by " + attempt.executorId() + ")";
        attempts.end(sql, task.taskId(), attempt.attempt(), "superseded: " + why,
                task.currentAttempt() < config.maxAttempts()
                        ? "superseded by attempt " + (attempt.attempt() + 1) + ": " + why
                        : why + "; no attempts left");
        outbox.enqueue(sql, new BuildTaskCancelled(new TaskId(task.taskId()), attempt.attempt(),
                new ComposeId(task.composeId()), task.architecture(), why + "; a new attempt supersedes it"));
        infrastructureTrouble(sql, compose, task, why);
    }

    // ---------------------------------------------------------------- operators

    /** Cancels a compose: pending and blocked tasks are aborted, running ones stopped and aborted. */
    public CancelResult cancel(Sql sql, String composeId, String by, String reason, boolean createIfUnknown)
            throws SQLException {
        Optional<Compose> locked = createIfUnknown ? Optional.of(composes.lockOrCreate(sql, composeId))
                : composes.lock(sql, composeId);
        if (locked.isEmpty()) {
            return new CancelResult(CancelResult.Kind.UNKNOWN, 0, 0, "compose " + composeId + " is unknown");
        }
        Compose compose = locked.get();
        if (compose.cancelled()) {
            return new CancelResult(CancelResult.Kind.ALREADY_CANCELLED, 0, 0, "compose " + composeId
                    + " was already cancelled at " + compose.cancelledAt() + " by " + compose.cancelledBy());
        }
        if (compose.builtAt() != null) {
            return new CancelResult(CancelResult.Kind.ALREADY_BUILT, 0, 0, "compose " + composeId
                    + " was already handed off (compose-built, outcome " + compose.outcome() + ")");
        }
        composes.cancel(sql, composeId, by, reason);
        String why = "compose cancelled by " + by + (reason == null ? "" : ": " + reason);
        int aborted = 0;
        int stopped = 0;
        for (Task task : tasks.ofCompose(sql, composeId)) {
            switch (task.status()) {
                case PENDING, BLOCKED -> {
                    transition(sql, task, task.status(), TaskStatus.ABORTED, null, why, null);
                    aborted++;
                }
                case RUNNING -> {
                    attempts.end(sql, task.taskId(), task.currentAttempt(), "cancelled: " + why, "cancelled: " + why);
                    outbox.enqueue(sql, new BuildTaskCancelled(new TaskId(task.taskId()), task.currentAttempt(),
                            new ComposeId(composeId), task.architecture(), why));
                    transition(sql, task, TaskStatus.RUNNING, TaskStatus.ABORTED, null, why, null);
                    stopped++;
                }
                default -> {
                    // completed and aborted tasks stay as they are
                }
            }
        }
        return new CancelResult(CancelResult.Kind.CANCELLED, aborted, stopped,
                why + ": " + aborted + " waiting task(s) aborted, " + stopped + " running task(s) told to stop");
    }

    /**
     * Retries a task that completed with failure or error as a new attempt. Its
     * dependents skipped because of it wait again; a compose already handed off is
     * reopened and handed off again when it is done.
     */
    public RetryResult retry(Sql sql, String taskId, String by) throws SQLException {
        Optional<Task> found = tasks.find(sql, taskId);
        if (found.isEmpty()) {
            return new RetryResult(RetryResult.Kind.UNKNOWN, "task " + taskId + " is unknown");
        }
        Compose compose = composes.lock(sql, found.get().composeId()).orElseThrow();
        Task task = tasks.find(sql, taskId).orElseThrow();
        if (compose.cancelled()) {
            return new RetryResult(RetryResult.Kind.CONFLICT, "compose " + compose.composeId() + " was cancelled");
        }
        if (task.status() != TaskStatus.COMPLETED
                || (task.result() != TaskResult.FAILURE && task.result() != TaskResult.ERROR)) {
            return new RetryResult(RetryResult.Kind.CONFLICT, "task " + taskId + " is " + describe(task)
                    + ": only a task that completed with failure or error can be retried");
        }
        if (compose.builtAt() != null) {
            composes.reopen(sql, compose.composeId());
            compose = composes.find(sql, compose.composeId()).orElseThrow();
        }
        unskip(sql, task.taskId());
        Task pending = transition(sql, task, TaskStatus.COMPLETED, TaskStatus.PENDING, null,
                "retry requested by " + by, null);
        pend(sql, compose, pending, TaskStatus.PENDING);
        return new RetryResult(RetryResult.Kind.RETRIED, "task " + taskId + " will run as attempt "
                + (task.currentAttempt() + 1));
    }

    // ---------------------------------------------------------------- the machine

    /** Gates a new (from null) or blocked task on its dependencies. */
    private void evaluate(Sql sql, Compose compose, Task task, TaskStatus from) throws SQLException {
        evaluate(sql, compose, task, from, false);
    }

    /** As above; {@code noDependencies} when the caller knows the task waits for nothing (no query). */
    private void evaluate(Sql sql, Compose compose, Task task, TaskStatus from, boolean noDependencies)
            throws SQLException {
        if (compose.cancelled()) {
            transition(sql, task, from, TaskStatus.ABORTED, null, "compose cancelled by " + compose.cancelledBy()
                    + (compose.cancelReason() == null ? "" : ": " + compose.cancelReason()), null);
            return;
        }
        List<Dependency> deps = noDependencies ? List.of() : tasks.dependencies(sql, task.taskId());
        for (Dependency dep : deps) {
            if (dep.status() == TaskStatus.ABORTED
                    || (dep.status() == TaskStatus.COMPLETED && dep.result() != TaskResult.SUCCESS)) {
                complete(sql, compose, task, from, TaskResult.SKIPPED, "dependency " + dep.taskId() + " "
                        + (dep.status() == TaskStatus.ABORTED ? "was aborted" : "completed with "
                                + dep.result().wireName()));
                return;
            }
        }
        List<String> waiting = deps.stream()
                .filter(d -> d.status() != TaskStatus.COMPLETED || d.result() != TaskResult.SUCCESS)
                .map(Dependency::taskId).toList();
        if (!waiting.isEmpty()) {
            String reason = "waiting for " + String.join(", ", waiting.subList(0, Math.min(3, waiting.size())))
                    + (waiting.size() > 3 ? " and " + (waiting.size() - 3) + " more" : "");
            if (from == TaskStatus.BLOCKED) {
                tasks.setState(sql, task.taskId(), TaskStatus.BLOCKED, null, reason, null);
            } else {
                transition(sql, task, from, TaskStatus.BLOCKED, null, reason, null);
            }
            return;
        }
        pend(sql, compose, task, from);
    }

    /**
     * A task whose dependencies are done: dispatch it now, or keep it pending with the
     * reason it cannot go yet (no plan, backoff, no executor for its architecture).
     */
    private void pend(Sql sql, Compose compose, Task task, TaskStatus from) throws SQLException {
        // Unchanged inputs are never built twice: reuse a success, or wait for the build in flight.
        AttemptRepository.ContentKey others = attempts.contentKey(sql, task.contentKey(), task.taskId());
        Optional<Attempt> reuse = others.reusable();
        if (reuse.isPresent()) {
            Attempt source = reuse.get();
            int n = task.currentAttempt() + 1;
            attempts.reused(sql, task.taskId(), n, task.currentAttempt() == 0 ? null : task.currentAttempt(), source);
            tasks.setCurrentAttempt(sql, task.taskId(), n);
            complete(sql, compose, task.withAttempt(n), from, TaskResult.SUCCESS, "content key "
                    + task.contentKey().substring(0, 12) + " was built by " + source.taskId() + " attempt "
                    + source.attempt() + ": its artifacts are reused, nothing is rebuilt");
            return;
        }
        String blocker = null;
        Optional<String> twin = others.buildingTask();
        if (twin.isPresent()) {
            blocker = "waiting for " + twin.get() + ", which is building the same content key "
                    + task.contentKey().substring(0, 12) + ": its result is reused if it succeeds";
        } else if (!compose.planned()) {
            blocker = WAITING_FOR_PLAN;
        } else if (task.notBefore() != null && task.notBefore().isAfter(Instant.now())) {
            blocker = task.reason();
        } else if (!executors.servedCached(sql, config.executorWindow()).contains(task.architecture())) {
            blocker = NO_EXECUTOR + task.architecture() + " (none heartbeated within "
                    + config.executorWindow().toSeconds() + " s)";
        }
        if (blocker != null) {
            if (from != TaskStatus.PENDING || !blocker.equals(task.reason())) {
                transition(sql, task, from, TaskStatus.PENDING, null, blocker, task.notBefore());
            }
            return;
        }
        // A new or blocked task that can go at once was never pending in any committed state: its row is
        // written once, as running, and it gets one task-status event, from what it was to running.
        dispatch(sql, compose, task, from);
    }

    /**
     * Dispatches the task's next attempt; {@code from} is the status the task-status event
     * names as the old one (pending, or blocked or none for a task that goes at once).
     */
    private void dispatch(Sql sql, Compose compose, Task task, TaskStatus from) throws SQLException {
        int n = task.currentAttempt() + 1;
        Instant lease = Instant.now().plus(config.lease());
        attempts.dispatched(sql, task.taskId(), n, task.currentAttempt() == 0 ? null : task.currentAttempt(), lease);
        Task running = task.withAttempt(n);
        ComposePlan plan = plan(sql, compose);
        outbox.enqueue(sql, task.composeId(), new BuildTaskDispatched(new TaskId(task.taskId()), n,
                new ComposeId(task.composeId()),
                read(task.sourcePackage(), SourcePackage.class), task.architecture(), task.suite(),
                task.archive() != null ? task.archive() : plan.archive(),
                task.inReleaseSha256() != null ? task.inReleaseSha256() : plan.inReleaseSha256(),
                BuildType.fromWireName(task.buildType()), task.buildProfile(), task.contentKey(), lease,
                plan.extraRepositories()));
        String reason = (from == TaskStatus.BLOCKED ? "every dependency completed with success; " : "")
                + "attempt " + n + " dispatched to build-tasks." + task.architecture()
                + (n > 1 ? ", superseding attempt " + (n - 1) : "");
        tasks.setState(sql, task.taskId(), TaskStatus.RUNNING, null, reason, null, n);
        attempts.noteRunning(sql, task.contentKey(), task.taskId());
        announce(sql, running, from, TaskStatus.RUNNING, null, reason, null);
    }

    /** An error result or an expired lease: a new attempt after a backoff, or completed with error. */
    private void infrastructureTrouble(Sql sql, Compose compose, Task task, String what) throws SQLException {
        int n = task.currentAttempt();
        if (n >= config.maxAttempts()) {
            complete(sql, compose, task, TaskStatus.RUNNING, TaskResult.ERROR, what + "; no attempts left (max-attempts "
                    + config.maxAttempts() + ")");
            return;
        }
        Duration backoff = config.retryBackoff().multipliedBy(1L << Math.min(20, n - 1));
        Instant notBefore = Instant.now().plus(backoff);
        Task pending = transition(sql, task, TaskStatus.RUNNING, TaskStatus.PENDING, null, what + "; attempt "
                + (n + 1) + " not before " + notBefore.truncatedTo(ChronoUnit.MILLIS), notBefore);
        if (backoff.isZero()) {
            pend(sql, compose, pending, TaskStatus.PENDING);
        }
    }

    private void complete(Sql sql, Compose compose, Task task, TaskStatus from, TaskResult result, String reason)
            throws SQLException {
        transition(sql, task, from, TaskStatus.COMPLETED, result, reason, null);
        for (String dependentId : tasks.dependents(sql, task.taskId())) {
            Optional<Task> dependent = tasks.find(sql, dependentId);
            if (dependent.isPresent() && dependent.get().status() == TaskStatus.BLOCKED
                    && dependent.get().composeId().equals(compose.composeId())) {
                evaluate(sql, compose, dependent.get(), TaskStatus.BLOCKED);
            }
        }
        composeDone(sql, compose);
    }

    /** Dependents skipped because of {@code taskId}, and theirs, wait again. */
    private void unskip(Sql sql, String taskId) throws SQLException {
        for (String dependentId : tasks.dependents(sql, taskId)) {
            Optional<Task> dependent = tasks.find(sql, dependentId);
            if (dependent.isPresent() && dependent.get().status() == TaskStatus.COMPLETED
                    && dependent.get().result() == TaskResult.SKIPPED) {
                transition(sql, dependent.get(), TaskStatus.COMPLETED, TaskStatus.BLOCKED, null,
                        "waiting for " + taskId + " (retried)", null);
                unskip(sql, dependentId);
            }
        }
    }

    /**
     * Batches check their composes once at the end ({@link #checkDeferred}) rather than
     * after every completion.
     */
    private void composeDone(Sql sql, Compose compose) throws SQLException {
        if (sql.deferred() != null) {
            sql.deferred().add(compose.composeId());
            return;
        }
        handOffIfDone(sql, compose);
    }

    /** The compose-done checks a batch deferred: each compose once, in id order. */
    public void checkDeferred(Sql sql) throws SQLException {
        java.util.Set<String> ids = sql.deferred();
        if (ids == null) {
            return;
        }
        for (String id : ids.stream().sorted().toList()) {
            handOffIfDone(sql, composes.find(sql, id).orElseThrow());
        }
        ids.clear();
    }

    /** When every task of a planned compose is terminal, hand it off: compose-built, with the failable verdict. */
    private void handOffIfDone(Sql sql, Compose compose) throws SQLException {
        compose = composes.find(sql, compose.composeId()).orElseThrow();
        if (!compose.planned() || compose.builtAt() != null || compose.cancelled()) {
            return;
        }
        Optional<ComposeBuilt> handoff = handOff(sql, compose);
        if (handoff.isEmpty()) {
            return;
        }
        ComposeBuilt built = handoff.get();
        composes.built(sql, compose.composeId(), built.outcome().wireName());
        try {
            outbox.enqueue(sql, compose.composeId(), built);
        } catch (IllegalArgumentException e) {
            // The event cannot be written (a big compose's results are over compose-built-max-bytes). The result
            // that completed the compose must still be applied, so the compose records why it was not handed off.
            String why = "compose-built could not be written: " + e.getMessage()
                    + "; its content is at GET /api/composes/" + compose.composeId() + "/results";
            composes.handoffFailed(sql, compose.composeId(), why);
            LOG.errorf("compose %s is done (outcome %s) but not handed off: %s", compose.composeId(),
                    built.outcome().wireName(), why);
            return;
        }
        LOG.infof("compose %s built: %d task(s), outcome %s", compose.composeId(), built.packages().size(),
                built.outcome().wireName());
    }

    /**
     * The compose-built a planned compose is handed off with: every announced task's result
     * and the artifacts of its applied attempt, and the failable verdict. Empty while a task
     * is open or an announced task has not arrived.
     */
    public Optional<ComposeBuilt> handOff(Sql sql, Compose compose) throws SQLException {
        if (!compose.planned()) {
            return Optional.empty();
        }
        // exists, not count: one index probe however many tasks are still open
        if (sql.count("""
                select count(*) from (select 1 from task
                    where compose_id = ? and status in ('pending', 'blocked', 'running') limit 1) open""",
                compose.composeId()) > 0) {
            return Optional.empty();
        }
        // all announced tasks arrived? counted in the database: the list is read only once this holds
        if (compose.expectedCount() > 0 && sql.count("""
                select count(*) from task
                where task_id = any ((select expected_tasks from compose where compose_id = ?)::text[])""",
                compose.composeId()) < compose.expectedCount()) {
            return Optional.empty(); // some announced tasks have not arrived yet
        }
        List<String> expected = composes.expectedTasks(sql, compose.composeId());
        Set<String> announced = new HashSet<>(expected);
        List<PackageResult> results = new ArrayList<>();
        for (Task task : tasks.ofCompose(sql, compose.composeId())) {
            if (!announced.contains(task.taskId())) {
                continue;
            }
            List<ArtifactRef> artifacts = task.currentAttempt() == 0 ? List.of()
                    : attempts.artifacts(sql, task.taskId(), task.currentAttempt());
            TaskResult result = task.result() != null ? task.result() : TaskResult.SKIPPED;
            results.add(new PackageResult(new TaskId(task.taskId()), task.source(), task.version(),
                    task.architecture(), result, result == TaskResult.SUCCESS ? artifacts : List.of()));
        }
        ComposePlan plan = plan(sql, compose);
        return Optional.of(new ComposeBuilt(new ComposeId(compose.composeId()), results,
                plan.failable().judge(results), plan));
    }

    /** Changes a task's status (or only its reason) and writes the task-status event. */
    private Task transition(Sql sql, Task task, TaskStatus from, TaskStatus to, TaskResult result, String reason,
            Instant notBefore) throws SQLException {
        tasks.setState(sql, task.taskId(), to, result, reason, notBefore);
        if (from == TaskStatus.RUNNING || to == TaskStatus.COMPLETED) {
            attempts.forgetContentKey(sql, task.contentKey()); // no longer building it, or now built
        }
        return announce(sql, task, from, to, result, reason, notBefore);
    }

    /** The task-status event of a transition whose row the caller writes (or a later transition overwrites). */
    private Task announce(Sql sql, Task task, TaskStatus from, TaskStatus to, TaskResult result, String reason,
            Instant notBefore) throws SQLException {
        outbox.enqueue(sql, task.composeId(), new TaskStatusChanged(new TaskId(task.taskId()), task.eventAttempt(),
                new ComposeId(task.composeId()), task.architecture(), from, to, result, reason));
        return task.with(to, result, reason, notBefore);
    }

    // ---------------------------------------------------------------- helpers

    private Task known(Sql sql, String taskId, String composeId) throws SQLException {
        Task task = tasks.find(sql, taskId)
                .orElseThrow(() -> reject("taskId", taskId, "is unknown to the scheduler"));
        if (!task.composeId().equals(composeId)) {
            throw reject("composeId", composeId, "does not match task " + taskId + ", which belongs to compose "
                    + task.composeId());
        }
        return task;
    }

    private Attempt dispatchedAttempt(Sql sql, Task task, int attempt) throws SQLException {
        return attempts.find(sql, task.taskId(), attempt)
                .filter(a -> a.dispatchedAt() != null)
                .orElseThrow(() -> reject("attempt", String.valueOf(attempt), "was never dispatched for task "
                        + task.taskId() + " (its current attempt is " + task.currentAttempt() + ")"));
    }

    /** A compose's plan never changes once planned: parsed once per compose, not per dispatch. */
    private ComposePlan plan(Sql sql, Compose compose) throws SQLException {
        ComposePlan known = plans.get(compose.composeId());
        if (known != null) {
            return known;
        }
        ComposePlan plan = read(composes.planJson(sql, compose.composeId()).orElseThrow(
                () -> new IllegalStateException("compose " + compose.composeId() + " has no plan yet")), ComposePlan.class);
        if (plans.size() > 256) {
            plans.clear();
        }
        plans.put(compose.composeId(), plan);
        return plan;
    }

    private static String describe(Task task) {
        return task.status().wireName() + (task.result() == null ? "" : " with " + task.result().wireName());
    }

    private static String lastLine(String logTail) {
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

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable: " + e.getMessage(), e);
        }
    }
}
