package org.debian.bootc.scheduler.service;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.TaskSpec;
import org.debian.bootc.scheduler.TaskState;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.repository.AttemptRepository;
import org.debian.bootc.scheduler.repository.AttemptRepository.ContentKey;
import org.debian.bootc.scheduler.repository.AttemptRepository.Expired;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.ExecutorRepository;
import org.debian.bootc.scheduler.repository.OutboxRows;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.TaskRepository;
import org.debian.bootc.scheduler.repository.TaskRepository.Dependency;
import org.debian.bootc.scheduler.service.TaskMachine.CancelResult;
import org.debian.bootc.scheduler.service.TaskMachine.RetryResult;

/**
 * The shell of the task state machine (docs/task-states.md): it loads what
 * {@link TaskMachine} decides on, asks it, and writes what it decided. Every method
 * runs inside the caller's transaction and first locks the compose row, so the changes
 * to one compose's tasks are serialised however many consumers, timers and REST calls
 * act on it. Every status change writes a {@code task-status} event to the outbox in
 * the same transaction; so do dispatches, cancellations and the hand-off.
 */
@ApplicationScoped
public class TaskScheduler {

    private static final Logger LOG = Logger.getLogger(TaskScheduler.class);

    private final SchedulerConfig config;
    private final ComposeRepository composes;
    private final TaskRepository tasks;
    private final AttemptRepository attempts;
    private final ExecutorRepository executors;
    private final OutboxRows outbox;
    private final ObjectMapper mapper;
    private final TaskMachine machine;
    private final java.util.Map<ComposeId, ComposePlan> plans = new java.util.concurrent.ConcurrentHashMap<>();

    public TaskScheduler(SchedulerConfig config, ComposeRepository composes, TaskRepository tasks,
            AttemptRepository attempts, ExecutorRepository executors, OutboxRows outbox, EventCodec codec) {
        this.config = config;
        this.composes = composes;
        this.tasks = tasks;
        this.attempts = attempts;
        this.executors = executors;
        this.outbox = outbox;
        this.mapper = codec.mapper();
        this.machine = new TaskMachine(new TaskMachine.Rules(config.lease(), config.maxAttempts(),
                config.retryBackoff(), config.executorWindow()));
    }

    // ---------------------------------------------------------------- inputs

    /** package-build-queued: persist the task once (task id and natural key), then gate it. */
    public void queued(Sql sql, PackageBuildQueued e) throws SQLException {
        Compose compose = composes.lockOrCreate(sql, e.composeId());
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
    public Set<TaskId> prepareQueued(Sql sql, List<PackageBuildQueued> batch) throws SQLException {
        composes.lockOrCreateAll(sql, batch.stream().map(PackageBuildQueued::composeId).toList());
        Set<TaskId> inserted = tasks.insertAll(sql, batch.stream().map(this::newTask).toList());
        // what gating them asks, read once for the batch: the states of what they wait for, and their content keys
        List<PackageBuildQueued> fresh = batch.stream().filter(e -> inserted.contains(e.taskId())).toList();
        tasks.prefetchStates(sql, fresh.stream().flatMap(e -> e.waitsFor().stream()).toList());
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
        gateNew(sql, composes.lock(sql, e.composeId()).orElseThrow(), newTask(e), e);
    }

    /**
     * Locks, once, the composes a batch of package-built is about, in id order, and reads
     * the dependents of all its tasks in one query (no edge to them can be added while
     * their composes are locked).
     */
    public void prepareBuilt(Sql sql, List<PackageBuilt> batch) throws SQLException {
        composes.lockAll(sql, batch.stream().map(PackageBuilt::composeId).toList());
        List<TaskId> ids = batch.stream().map(PackageBuilt::taskId).distinct().toList();
        tasks.prefetch(sql, ids);
        java.util.Map<TaskId, Integer> attemptOf = new java.util.HashMap<>();
        batch.forEach(e -> attemptOf.putIfAbsent(e.taskId(), e.attempt()));
        attempts.prefetch(sql, attemptOf);
        tasks.prefetchDependents(sql, ids);
        // the dependents a completion re-evaluates: their rows, what they wait for, their content keys
        Set<TaskId> dependents = new HashSet<>();
        ids.forEach(id -> dependents.addAll(sql.dependents().getOrDefault(id, List.of())));
        dependents.removeAll(ids);
        tasks.prefetch(sql, dependents);
        tasks.prefetchDependencies(sql, dependents);
        List<String> keys = new ArrayList<>();
        for (TaskId id : dependents) {
            tasks.find(sql, id).filter(t -> t.status() == TaskStatus.BLOCKED).ifPresent(t -> keys.add(t.contentKey()));
        }
        attempts.prefetchContentKeys(sql, keys);
    }

    private Task newTask(PackageBuildQueued e) {
        return new Task(new TaskSpec(e.taskId(), e.composeId(), e.source().name(), e.source().version(),
                e.architecture(), e.suite(), e.archive(), e.inReleaseSha256(), e.buildType().wireName(),
                e.buildProfile(), json(e.source()), e.contentKey()), TaskState.NEW);
    }

    private void gateNew(Sql sql, Compose compose, Task task, PackageBuildQueued e) throws SQLException {
        List<TaskId> waitsFor = e.waitsFor();
        tasks.addDependencies(sql, task.taskId(), waitsFor);
        evaluate(sql, compose, task, null, waitsFor.isEmpty());
    }

    /** compose-planned: the plan and the full list of task ids; dispatch what waited for it. */
    public void planned(Sql sql, ComposePlanned e) throws SQLException {
        Compose compose = composes.lockOrCreate(sql, e.composeId());
        if (compose.planned()) {
            LOG.infof("compose %s is already planned; the repeated plan changes nothing", e.composeId());
            return;
        }
        composes.plan(sql, compose.composeId(), json(e.plan()), e.tasks());
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
        known(sql, e.taskId(), e.composeId());
        composes.lock(sql, e.composeId());
        Task task = tasks.find(sql, e.taskId()).orElseThrow();
        Attempt attempt = dispatchedAttempt(sql, task, e.attempt());
        attempts.addBuildroot(sql, e.buildrootId(), task.taskId(), attempt.attempt(), e.executorId(),
                e.architecture(), e.baseKey(), json(e.installed()), TaskMachine.lateBuildroot(attempt));
    }

    /** package-built: record the attempt's end; apply it only when it is the task's current, live attempt. */
    public void built(Sql sql, PackageBuilt e) throws SQLException {
        boolean lockedBefore = sql.locked().containsKey(e.composeId());
        Task task = known(sql, e.taskId(), e.composeId());
        Compose compose = composes.lock(sql, e.composeId()).orElseThrow();
        if (!lockedBefore) {
            task = tasks.find(sql, task.taskId()).orElseThrow(); // read again, now that nobody else can change it
        }
        Attempt attempt = dispatchedAttempt(sql, task, e.attempt());
        Optional<TaskMachine.Built> decided = machine.built(task, attempt, e);
        if (decided.isEmpty()) {
            LOG.infof("attempt %d of %s already ended with %s; the repeated result changes nothing", attempt.attempt(),
                    task.taskId(), attempt.result());
            return;
        }
        TaskMachine.Built result = decided.get();
        attempts.recordResult(sql, task.taskId(), attempt.attempt(), e.result().wireName(), e.executorId(),
                e.buildrootId(), e.logLocation(), e.logTail(), e.durationMillis(), result.applied(),
                result.buildrootReason());
        attempts.addArtifacts(sql, task.taskId(), attempt.attempt(), e.artifacts());
        if (result.end().isEmpty()) {
            LOG.infof("late result %s of attempt %d of %s recorded, not applied (attempt %s; task %s, current attempt %d)",
                    e.result().wireName(), attempt.attempt(), task.taskId(),
                    attempt.endReason() == null ? "not current" : attempt.endReason(), task.status().wireName(),
                    task.currentAttempt());
            return;
        }
        end(sql, compose, task, result.end().get());
    }

    /** The current attempt of a running task ended: complete it, or retry it after infrastructure trouble. */
    private void end(Sql sql, Compose compose, Task task, TaskMachine.End end) throws SQLException {
        if (end instanceof TaskMachine.End.Complete c) {
            complete(sql, compose, task, TaskStatus.RUNNING, c.result(), c.reason());
        } else if (end instanceof TaskMachine.End.Trouble t) {
            infrastructureTrouble(sql, compose, task, t.what());
        }
    }

    /**
     * executor-heartbeat: remember the executor and renew the leases of the tasks it
     * runs. Returns the architectures that were not served before this heartbeat.
     */
    public List<String> heartbeat(Sql sql, ExecutorHeartbeat e) throws SQLException {
        List<TaskId> running = e.running();
        List<String> newlyServed = executors.heartbeat(sql, e.executorId(), e.architectures(), e.slots(),
                running, config.executorWindow());
        attempts.renewLeases(sql, e.executorId(), running, machine.renewedLease(Instant.now()));
        return newlyServed;
    }

    // ---------------------------------------------------------------- timers

    /** Dispatches one pending task if it still is pending and may go now. */
    public void dispatchPending(Sql sql, TaskId taskId) throws SQLException {
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
        TaskMachine.Expiry expiry = machine.expire(task, attempt, Instant.now());
        if (expiry instanceof TaskMachine.Expiry.StillQueued q) {
            attempts.extendLease(sql, task.taskId(), attempt.attempt(), q.until());
            LOG.infof("attempt %d of %s is still queued on build-tasks.%s since %s: no executor has taken it yet",
                    attempt.attempt(), task.taskId(), task.architecture(), attempt.dispatchedAt());
        } else if (expiry instanceof TaskMachine.Expiry.Supersede x) {
            attempts.end(sql, task.taskId(), attempt.attempt(), x.endReason(), x.buildrootReason());
            outbox.enqueue(sql, new BuildTaskCancelled(task.taskId(), attempt.attempt(),
                    task.composeId(), task.architecture(), x.cancelReason()));
            infrastructureTrouble(sql, compose, task, x.why());
        } // Unchanged: renewed or ended meanwhile
    }

    // ---------------------------------------------------------------- operators

    /** Cancels a compose: pending and blocked tasks are aborted, running ones stopped and aborted. */
    public CancelResult cancel(Sql sql, ComposeId composeId, String by, String reason, boolean createIfUnknown)
            throws SQLException {
        Optional<Compose> locked = createIfUnknown ? Optional.of(composes.lockOrCreate(sql, composeId))
                : composes.lock(sql, composeId);
        if (locked.isEmpty()) {
            return new CancelResult(CancelResult.Kind.UNKNOWN, 0, 0, "compose " + composeId + " is unknown");
        }
        Optional<CancelResult> refused = TaskMachine.refuseCancel(locked.get());
        if (refused.isPresent()) {
            return refused.get();
        }
        composes.cancel(sql, composeId, by, reason);
        String why = TaskMachine.cancelReason(by, reason);
        int aborted = 0;
        int stopped = 0;
        for (Task task : tasks.ofCompose(sql, composeId)) {
            switch (TaskMachine.cancel(task)) {
                case ABORT -> {
                    transition(sql, task, task.status(), TaskStatus.ABORTED, null, why, null);
                    aborted++;
                }
                case STOP -> {
                    attempts.end(sql, task.taskId(), task.currentAttempt(), "cancelled: " + why, "cancelled: " + why);
                    outbox.enqueue(sql, new BuildTaskCancelled(task.taskId(), task.currentAttempt(),
                            composeId, task.architecture(), why));
                    transition(sql, task, TaskStatus.RUNNING, TaskStatus.ABORTED, null, why, null);
                    stopped++;
                }
                case KEEP -> {
                    // completed and aborted tasks stay as they are
                }
            }
        }
        return TaskMachine.cancelled(why, aborted, stopped);
    }

    /**
     * Retries a task that completed with failure or error as a new attempt. Its
     * dependents skipped because of it wait again; a compose already handed off is
     * reopened and handed off again when it is done.
     */
    public RetryResult retry(Sql sql, TaskId taskId, String by) throws SQLException {
        Optional<Task> found = tasks.find(sql, taskId);
        if (found.isEmpty()) {
            return new RetryResult(RetryResult.Kind.UNKNOWN, "task " + taskId + " is unknown");
        }
        Compose compose = composes.lock(sql, found.get().composeId()).orElseThrow();
        Task task = tasks.find(sql, taskId).orElseThrow();
        Optional<RetryResult> refused = TaskMachine.refuseRetry(compose, task);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (compose.builtAt() != null) {
            composes.reopen(sql, compose.composeId());
            compose = composes.find(sql, compose.composeId()).orElseThrow();
        }
        unskip(sql, task.taskId());
        Task pending = transition(sql, task, TaskStatus.COMPLETED, TaskStatus.PENDING, null,
                "retry requested by " + by, null);
        pend(sql, compose, pending, TaskStatus.PENDING);
        return TaskMachine.retried(task);
    }

    // ---------------------------------------------------------------- applying the machine's decisions

    /** Gates a new (from null) or blocked task on its dependencies. */
    private void evaluate(Sql sql, Compose compose, Task task, TaskStatus from) throws SQLException {
        evaluate(sql, compose, task, from, false);
    }

    /** As above; {@code noDependencies} when the caller knows the task waits for nothing (no query). */
    private void evaluate(Sql sql, Compose compose, Task task, TaskStatus from, boolean noDependencies)
            throws SQLException {
        List<Dependency> deps = noDependencies || compose.cancelled() ? List.of()
                : tasks.dependencies(sql, task.taskId());
        TaskMachine.Gate gate = machine.gate(compose, deps);
        if (gate instanceof TaskMachine.Gate.Abort a) {
            transition(sql, task, from, TaskStatus.ABORTED, null, a.reason(), null);
        } else if (gate instanceof TaskMachine.Gate.Skip s) {
            complete(sql, compose, task, from, TaskResult.SKIPPED, s.reason());
        } else if (gate instanceof TaskMachine.Gate.Block b && from == TaskStatus.BLOCKED) {
            tasks.setState(sql, task.taskId(), TaskStatus.BLOCKED, null, b.reason(), null); // only the reason changes
        } else if (gate instanceof TaskMachine.Gate.Block b) {
            transition(sql, task, from, TaskStatus.BLOCKED, null, b.reason(), null);
        } else {
            pend(sql, compose, task, from);
        }
    }

    /**
     * A task whose dependencies are done: reuse its content key's success, dispatch it now,
     * or keep it pending with the reason it cannot go yet.
     */
    private void pend(Sql sql, Compose compose, Task task, TaskStatus from) throws SQLException {
        ContentKey others = attempts.contentKey(sql, task.contentKey(), task.taskId());
        Set<String> served = Set.copyOf(executors.servedCached(sql, config.executorWindow()));
        TaskMachine.Next next = machine.next(compose, task, from, others, served, Instant.now());
        if (next instanceof TaskMachine.Next.Reuse r) {
            attempts.reused(sql, task.taskId(), r.attempt(), r.supersedes(), r.source());
            tasks.setCurrentAttempt(sql, task.taskId(), r.attempt());
            complete(sql, compose, task.withAttempt(r.attempt()), from, TaskResult.SUCCESS, r.reason());
        } else if (next instanceof TaskMachine.Next.Wait w && w.announce()) {
            transition(sql, task, from, TaskStatus.PENDING, null, w.reason(), task.notBefore());
        } else if (next instanceof TaskMachine.Next.Dispatch d) {
            dispatch(sql, compose, task, from, d);
        }
    }

    /**
     * Dispatches the task's next attempt; {@code from} is the status the task-status event
     * names as the old one (pending, or blocked or none for a task that goes at once).
     */
    private void dispatch(Sql sql, Compose compose, Task task, TaskStatus from, TaskMachine.Next.Dispatch d)
            throws SQLException {
        attempts.dispatched(sql, task.taskId(), d.attempt(), d.supersedes(), d.leaseExpiresAt());
        outbox.enqueue(sql, task.composeId(), TaskMachine.dispatchEvent(task, d,
                read(task.sourcePackage(), SourcePackage.class), plan(sql, compose)));
        tasks.setState(sql, task.taskId(), TaskStatus.RUNNING, null, d.reason(), null, d.attempt());
        attempts.noteRunning(sql, task.contentKey(), task.taskId());
        announce(sql, task.withAttempt(d.attempt()), from, TaskStatus.RUNNING, null, d.reason(), null);
    }

    /** An error result or an expired lease: a new attempt after a backoff, or completed with error. */
    private void infrastructureTrouble(Sql sql, Compose compose, Task task, String what) throws SQLException {
        TaskMachine.Retry retry = machine.trouble(task, what, Instant.now());
        if (retry instanceof TaskMachine.Retry.GiveUp g) {
            complete(sql, compose, task, TaskStatus.RUNNING, TaskResult.ERROR, g.reason());
        } else if (retry instanceof TaskMachine.Retry.Backoff b) {
            Task pending = transition(sql, task, TaskStatus.RUNNING, TaskStatus.PENDING, null, b.reason(),
                    b.notBefore());
            if (b.atOnce()) {
                pend(sql, compose, pending, TaskStatus.PENDING);
            }
        }
    }

    private void complete(Sql sql, Compose compose, Task task, TaskStatus from, TaskResult result, String reason)
            throws SQLException {
        transition(sql, task, from, TaskStatus.COMPLETED, result, reason, null);
        for (TaskId dependentId : tasks.dependents(sql, task.taskId())) {
            Optional<Task> dependent = tasks.find(sql, dependentId);
            if (dependent.isPresent() && dependent.get().status() == TaskStatus.BLOCKED
                    && dependent.get().composeId().equals(compose.composeId())) {
                evaluate(sql, compose, dependent.get(), TaskStatus.BLOCKED);
            }
        }
        composeDone(sql, compose);
    }

    /** Dependents skipped because of {@code taskId}, and theirs, wait again. */
    private void unskip(Sql sql, TaskId taskId) throws SQLException {
        for (TaskId dependentId : tasks.dependents(sql, taskId)) {
            Optional<Task> dependent = tasks.find(sql, dependentId);
            if (dependent.isPresent() && TaskMachine.unskips(dependent.get())) {
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
        java.util.Set<ComposeId> ids = sql.deferred();
        if (ids == null) {
            return;
        }
        for (ComposeId id : ids.stream().sorted(java.util.Comparator.comparing(ComposeId::value)).toList()) {
            handOffIfDone(sql, composes.find(sql, id).orElseThrow());
        }
        ids.clear();
    }

    /** When every task of a planned compose is terminal, hand it off: compose-built, with the failable verdict. */
    private void handOffIfDone(Sql sql, Compose compose) throws SQLException {
        compose = composes.find(sql, compose.composeId()).orElseThrow();
        if (!TaskMachine.awaitsHandOff(compose)) {
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
            String why = TaskMachine.handOffError(compose, e.getMessage());
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
        List<TaskId> expected = composes.expectedTasks(sql, compose.composeId());
        List<Task> all = tasks.ofCompose(sql, compose.composeId());
        Set<TaskId> announced = new HashSet<>(expected);
        Map<TaskId, List<ArtifactRef>> artifacts = new HashMap<>();
        for (Task task : all) {
            if (announced.contains(task.taskId()) && task.currentAttempt() != 0
                    && task.result() == TaskResult.SUCCESS) {
                artifacts.put(task.taskId(), attempts.artifacts(sql, task.taskId(), task.currentAttempt()));
            }
        }
        return TaskMachine.handOff(compose, expected, all, artifacts, plan(sql, compose));
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
        outbox.enqueue(sql, task.composeId(), new TaskStatusChanged(task.taskId(), task.eventAttempt(),
                task.composeId(), task.architecture(), from, to, result, reason));
        return task.with(to, result, reason, notBefore);
    }

    // ---------------------------------------------------------------- helpers

    private Task known(Sql sql, TaskId taskId, ComposeId composeId) throws SQLException {
        return TaskMachine.known(tasks.find(sql, taskId), taskId, composeId);
    }

    private Attempt dispatchedAttempt(Sql sql, Task task, int attempt) throws SQLException {
        return TaskMachine.dispatched(task, attempt, attempts.find(sql, task.taskId(), attempt));
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
