package org.debian.bootc.scheduler.service;

import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.deb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RejectedEventException;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.Fixtures;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.TaskSpec;
import org.debian.bootc.scheduler.TaskState;
import org.debian.bootc.scheduler.repository.AttemptRepository.ContentKey;
import org.debian.bootc.scheduler.repository.TaskRepository.Dependency;
import org.debian.bootc.scheduler.service.TaskMachine.Built;
import org.debian.bootc.scheduler.service.TaskMachine.CancelAction;
import org.debian.bootc.scheduler.service.TaskMachine.CancelResult;
import org.debian.bootc.scheduler.service.TaskMachine.End;
import org.debian.bootc.scheduler.service.TaskMachine.Expiry;
import org.debian.bootc.scheduler.service.TaskMachine.Gate;
import org.debian.bootc.scheduler.service.TaskMachine.Next;
import org.debian.bootc.scheduler.service.TaskMachine.Retry;
import org.debian.bootc.scheduler.service.TaskMachine.RetryResult;

/**
 * The decisions of the task state machine without a server: one test (or a few) per
 * scenario of {@code TaskLifecycleIT}, which proves the same on the real broker and
 * database, with the same rules as its test profile (lease 5 min, 3 attempts, backoff
 * 200 ms, executor window 60 s).
 */
class TaskMachineTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00.123456Z");
    private static final TaskMachine MACHINE = new TaskMachine(new TaskMachine.Rules(Duration.ofMinutes(5), 3,
            Duration.ofMillis(200), Duration.ofSeconds(60)));
    private static final ComposeId COMPOSE = ComposeId.of("unit", "1", LocalDate.of(2026, 12, 7), ComposeType.TEST, 0);
    private static final Set<String> AMD64 = Set.of("amd64");
    private static final ContentKey NOBODY = new ContentKey(Optional.empty(), Optional.empty());
    private static final String FTBFS = "dpkg-buildpackage: error: debian/rules build subprocess returned exit status 2";

    // ------------------------------------------------------------ what the scheduler would have loaded

    private static TaskId id(String source) {
        return Fixtures.taskId(COMPOSE, source, "amd64");
    }

    private static Task task(String source, TaskStatus status, TaskResult result, int attempt) {
        return new Task(new TaskSpec(id(source), COMPOSE, source, "1.0-1", "amd64", "trixie", null, null, "any",
                null, "{}", Fixtures.sha(source)), new TaskState(status, result, null, attempt, null, NOW, NOW, null));
    }

    private static Task fresh(String source) {
        return task(source, TaskStatus.BLOCKED, null, 0);
    }

    private static Task running(String source, int attempt) {
        return task(source, TaskStatus.RUNNING, null, attempt);
    }

    private static Task done(String source, TaskResult result) {
        return task(source, TaskStatus.COMPLETED, result, 1);
    }

    private static Attempt attempt(Task task, int n, String executor, Instant lease) {
        return new Attempt(task.taskId(), n, n > 1 ? n - 1 : null, executor == null ? null : new ExecutorId(executor),
                lease, NOW.minusSeconds(600), null, null, null, null, null, false, null, null, null, null);
    }

    private static Attempt ended(Attempt a, String result, String endReason) {
        return new Attempt(a.taskId(), a.attempt(), a.supersedes(), a.executorId(), a.leaseExpiresAt(),
                a.dispatchedAt(), a.buildrootId(), result, null, null, null, result != null && endReason == null,
                NOW.minusSeconds(1), endReason, null, null);
    }

    private static Compose unplanned() {
        return new Compose(COMPOSE, null, null, null, null, null, null, null, NOW, null);
    }

    private static Compose planned(int tasks) {
        return new Compose(COMPOSE, tasks, NOW, null, null, null, null, null, NOW, null);
    }

    private static Compose cancelledCompose() {
        return new Compose(COMPOSE, 1, NOW, NOW, "planner", "superseded by a newer compose", null, null, NOW,
                null);
    }

    private static ComposePlan plan(Failable failable) {
        return Fixtures.planned(COMPOSE, List.of(), failable).plan();
    }

    private static Dependency dep(String source, TaskStatus status, TaskResult result) {
        return new Dependency(id(source), status, result);
    }

    private static Built result(Task task, Attempt attempt, BuildResult result, ArtifactRef... artifacts) {
        return MACHINE.built(task, attempt, built(task.taskId(), attempt.attempt(), COMPOSE, "exec",
                result, artifacts)).orElseThrow();
    }

    // ------------------------------------------------------------ a DAG in dependency order, handed off

    @Test
    void aTaskQueuedBeforeThePlanWaitsForItWithThatReason() {
        Next next = MACHINE.next(unplanned(), fresh("libfoo"), null, NOBODY, AMD64, NOW);
        assertEquals(new Next.Wait("waiting for the compose's plan (compose-planned)", true), next);
    }

    @Test
    void aBlockedTaskNamesTheDependenciesItWaitsForInTheirOrderAndCountsTheRest() {
        assertEquals(new Gate.Block("waiting for " + id("bar") + ", " + id("libfoo")), MACHINE.gate(planned(3),
                List.of(dep("bar", null, null), dep("libfoo", TaskStatus.RUNNING, null))));
        Gate many = MACHINE.gate(planned(6), List.of(dep("a", null, null), dep("b", null, null),
                dep("c", TaskStatus.PENDING, null), dep("d", TaskStatus.BLOCKED, null),
                dep("e", TaskStatus.COMPLETED, TaskResult.SUCCESS), dep("f", TaskStatus.RUNNING, null)));
        assertEquals(new Gate.Block("waiting for " + id("a") + ", " + id("b") + ", " + id("c") + " and 2 more"), many,
                "a dependency that succeeded is not waited for");
    }

    @Test
    void aTaskWhoseDependenciesAllSucceededGoesAtOnceAndSaysWhy() {
        assertEquals(new Gate.Ready(), MACHINE.gate(planned(2),
                List.of(dep("libfoo", TaskStatus.COMPLETED, TaskResult.SUCCESS))));
        Next next = MACHINE.next(planned(2), fresh("bar"), TaskStatus.BLOCKED, NOBODY, AMD64, NOW);
        Next.Dispatch dispatch = assertInstanceOf(Next.Dispatch.class, next);
        assertEquals("every dependency completed with success; attempt 1 dispatched to build-tasks.amd64",
                dispatch.reason());
        assertEquals(1, dispatch.attempt());
        assertNull(dispatch.supersedes(), "a first attempt supersedes none");
        assertEquals(NOW.plus(Duration.ofMinutes(5)), dispatch.leaseExpiresAt(), "the lease lies ahead");
    }

    @Test
    void aDispatchCarriesTheTasksSourceAndThePlansArchiveWhenTheTaskNamesNone() {
        Task bar = fresh("bar");
        Next.Dispatch d = new Next.Dispatch(1, null, NOW.plusSeconds(300), "attempt 1 dispatched");
        BuildTaskDispatched event = TaskMachine.dispatchEvent(bar, d, Fixtures.source("bar"), plan(Failable.NONE));
        assertEquals("bar", event.source().name());
        assertEquals(Fixtures.ARCHIVE, event.archive());
        assertEquals(Fixtures.SHA, event.inReleaseSha256());
        assertEquals(bar.contentKey(), event.contentKey());
        assertEquals(NOW.plusSeconds(300), event.leaseExpiresAt());
        assertEquals(1, event.attempt());
    }

    @Test
    void aSuccessfulBuildCompletesTheTaskAndExpiresItsBuildroot() {
        Task a = running("libfoo", 1);
        Built built = result(a, attempt(a, 1, "exec", NOW.plusSeconds(60)), BuildResult.SUCCESS);
        assertTrue(built.applied());
        assertEquals("package-built success", built.buildrootReason());
        assertEquals(Optional.of(new End.Complete(TaskResult.SUCCESS, null)), built.end());
    }

    @Test
    void aComposeWhoseTasksAllSucceededIsHandedOffCompleteWithTheirArtifactsInOrder() {
        List<Task> tasks = List.of(done("libfoo", TaskResult.SUCCESS), done("bar", TaskResult.SUCCESS),
                done("baz", TaskResult.SUCCESS));
        List<TaskId> announced = tasks.stream().map(Task::taskId).toList();
        ArtifactRef libfoo = deb(id("libfoo"), "libfoo1_1.0-1_amd64.deb");
        ComposeBuilt handoff = TaskMachine.handOff(planned(3), announced, tasks, Map.of(id("libfoo"),
                List.of(libfoo)), plan(Failable.NONE)).orElseThrow();
        assertEquals(ComposeOutcome.COMPLETE, handoff.outcome());
        assertEquals(List.of(id("libfoo"), id("bar"), id("baz")),
                handoff.packages().stream().map(PackageResult::taskId).toList());
        assertEquals(List.of(libfoo), handoff.packages().get(0).artifacts());
        assertEquals("trixie", handoff.plan().suite());
    }

    // ------------------------------------------------------------ failures

    @Test
    void aFailedBuildCompletesWithFailureQuotingTheLogsLastLine() {
        Task a = running("broken", 1);
        Built built = result(a, attempt(a, 1, "exec", NOW.plusSeconds(60)), BuildResult.FAILURE);
        End.Complete end = assertInstanceOf(End.Complete.class, built.end().orElseThrow());
        assertEquals(TaskResult.FAILURE, end.result(), "a failure (FTBFS) is never retried by itself");
        assertEquals("attempt 1 failed to build: " + FTBFS, end.reason());
    }

    @Test
    void theDependentsOfAFailedBuildAreSkippedNamingTheDependency() {
        assertEquals(new Gate.Skip("dependency " + id("broken") + " completed with failure"), MACHINE.gate(planned(4),
                List.of(dep("broken", TaskStatus.COMPLETED, TaskResult.FAILURE))));
        assertEquals(new Gate.Skip("dependency " + id("needsbroken") + " completed with skipped"),
                MACHINE.gate(planned(4), List.of(dep("needsbroken", TaskStatus.COMPLETED, TaskResult.SKIPPED))));
        assertEquals(new Gate.Skip("dependency " + id("gone") + " was aborted"), MACHINE.gate(planned(4),
                List.of(dep("gone", TaskStatus.ABORTED, null), dep("later", null, null))));
    }

    @Test
    void aComposeWithAFailedPackageIsDoomed() {
        List<Task> tasks = List.of(done("broken", TaskResult.FAILURE), done("needsbroken", TaskResult.SKIPPED),
                done("fine", TaskResult.SUCCESS));
        ComposeBuilt handoff = TaskMachine.handOff(planned(3), tasks.stream().map(Task::taskId).toList(), tasks,
                Map.of(), plan(Failable.NONE)).orElseThrow();
        assertEquals(ComposeOutcome.DOOMED, handoff.outcome());
    }

    @Test
    void aFailureOfAFailablePackageMakesTheComposeIncompleteAndHandsOffNoArtifactsForIt() {
        List<Task> tasks = List.of(done("optional", TaskResult.FAILURE), done("core", TaskResult.SUCCESS));
        ComposeBuilt handoff = TaskMachine.handOff(planned(2), tasks.stream().map(Task::taskId).toList(), tasks,
                Map.of(id("optional"), List.of(deb(id("optional"), "half.deb"))),
                plan(new Failable(List.of(), List.of("optional")))).orElseThrow();
        assertEquals(ComposeOutcome.INCOMPLETE, handoff.outcome());
        assertEquals(List.of(), handoff.packages().get(0).artifacts());
    }

    // ------------------------------------------------------------ infrastructure errors, retries

    @Test
    void anInfrastructureErrorRetriesAfterABackoffThatDoublesUntilTheAttemptsAreSpent() {
        Task a = running("flaky", 1);
        Built built = result(a, attempt(a, 1, "exec", NOW.plusSeconds(60)), BuildResult.ERROR);
        assertEquals("package-built error", built.buildrootReason());
        End.Trouble trouble = assertInstanceOf(End.Trouble.class, built.end().orElseThrow());
        assertEquals("attempt 1 ended in error: " + FTBFS, trouble.what());

        Retry.Backoff first = assertInstanceOf(Retry.Backoff.class, MACHINE.trouble(a, trouble.what(), NOW));
        assertEquals(NOW.plusMillis(200), first.notBefore());
        assertEquals("attempt 1 ended in error: " + FTBFS + "; attempt 2 not before 2026-12-07T12:00:00.323Z",
                first.reason());
        assertFalse(first.atOnce());
        Retry.Backoff second = assertInstanceOf(Retry.Backoff.class, MACHINE.trouble(running("flaky", 2), "e", NOW));
        assertEquals(NOW.plusMillis(400), second.notBefore(), "the backoff doubles");

        assertEquals(new Retry.GiveUp("e; no attempts left (max-attempts 3)"),
                MACHINE.trouble(running("flaky", 3), "e", NOW));
    }

    @Test
    void aRetryWaitsOutItsBackoffAndThenGoesAsANewAttemptThatSupersedesTheLast() {
        Task backingOff = task("flaky", TaskStatus.PENDING, null, 1).with(TaskStatus.PENDING, null,
                "attempt 1 ended in error; attempt 2 not before …", NOW.plusMillis(200));
        assertEquals(new Next.Wait(backingOff.reason(), false),
                MACHINE.next(planned(1), backingOff, TaskStatus.PENDING, NOBODY, AMD64, NOW),
                "the reason does not change while it waits: no new event");
        Next.Dispatch d = assertInstanceOf(Next.Dispatch.class, MACHINE.next(planned(1), backingOff,
                TaskStatus.PENDING, NOBODY, AMD64, NOW.plusMillis(201)));
        assertEquals(2, d.attempt());
        assertEquals(1, d.supersedes());
        assertEquals("attempt 2 dispatched to build-tasks.amd64, superseding attempt 1", d.reason());
    }

    @Test
    void withoutABackoffTheRetryIsDispatchedAtOnce() {
        TaskMachine noBackoff = new TaskMachine(new TaskMachine.Rules(Duration.ofMinutes(5), 3, Duration.ZERO,
                Duration.ofSeconds(60)));
        assertTrue(assertInstanceOf(Retry.Backoff.class, noBackoff.trouble(running("flaky", 1), "e", NOW)).atOnce());
    }

    // ------------------------------------------------------------ leases

    @Test
    void anExpiredLeaseOfATakenAttemptIsSupersededAndTheExecutorsAreTold() {
        Task a = running("slow", 1);
        Attempt held = attempt(a, 1, "dead-executor", NOW.minusSeconds(1));
        Expiry.Supersede x = assertInstanceOf(Expiry.Supersede.class, MACHINE.expire(a, held, NOW));
        String why = "lease of attempt 1 expired at 2026-12-07T11:59:59Z (held by dead-executor)";
        assertEquals(why, x.why());
        assertEquals("superseded: " + why, x.endReason());
        assertEquals("superseded by attempt 2: " + why, x.buildrootReason());
        assertEquals(why + "; a new attempt supersedes it", x.cancelReason());
        Retry.Backoff requeued = assertInstanceOf(Retry.Backoff.class, MACHINE.trouble(a, x.why(), NOW));
        assertTrue(requeued.reason().startsWith("lease of attempt 1 expired"), requeued.reason());
    }

    @Test
    void theLateResultOfASupersededAttemptIsRecordedButNotApplied() {
        Task a = running("slow", 2);
        Attempt superseded = ended(attempt(a, 1, "dead-executor", NOW.minusSeconds(1)), null, "superseded: lease");
        Built late = result(a, superseded, BuildResult.SUCCESS, deb(id("slow"), "slow_1.0-1_amd64.deb"));
        assertFalse(late.applied(), "the task follows attempt 2 only");
        assertEquals(Optional.empty(), late.end());
        assertEquals("package-built success (late, not applied)", late.buildrootReason());
    }

    @Test
    void aLeaseThatExpiresWithNoAttemptsLeftExpiresTheBuildrootWithoutASuccessorAndGivesUp() {
        Task a = running("lastgasp", 3);
        Expiry.Supersede x = assertInstanceOf(Expiry.Supersede.class,
                MACHINE.expire(a, attempt(a, 3, "dying-executor", NOW.minusSeconds(1)), NOW));
        assertTrue(x.buildrootReason().startsWith("lease of attempt 3 expired at "), x.buildrootReason());
        assertTrue(x.buildrootReason().endsWith("(held by dying-executor); no attempts left"), x.buildrootReason());
        assertInstanceOf(Retry.GiveUp.class, MACHINE.trouble(a, x.why(), NOW));
    }

    @Test
    void anAttemptNoExecutorHasTakenKeepsItsLeaseMovedOnAndIsNotSuperseded() {
        Task a = running("queued", 1);
        assertEquals(new Expiry.StillQueued(NOW.plus(Duration.ofMinutes(5))),
                MACHINE.expire(a, attempt(a, 1, null, NOW.minusSeconds(1)), NOW));
    }

    @Test
    void aLeaseRenewedOrAnAttemptEndedMeanwhileIsLeftAlone() {
        Task a = running("long", 1);
        assertEquals(new Expiry.Unchanged(), MACHINE.expire(a, attempt(a, 1, "x", NOW.plusSeconds(20)), NOW));
        assertEquals(new Expiry.Unchanged(), MACHINE.expire(a, ended(attempt(a, 1, "x", NOW.minusSeconds(1)),
                "success", null), NOW));
        assertEquals(new Expiry.Unchanged(), MACHINE.expire(running("long", 2), attempt(a, 1, "x",
                NOW.minusSeconds(1)), NOW));
    }

    @Test
    void aHeartbeatRenewsALeaseForTheWholeLeaseTime() {
        assertEquals(NOW.plus(Duration.ofMinutes(5)), MACHINE.renewedLease(NOW));
    }

    // ------------------------------------------------------------ buildroots and cancels

    @Test
    void aChrootReadyForAnAttemptThatHasEndedRecordsItsBuildrootExpiredSayingWhy() {
        Task a = done("hasty", TaskResult.SUCCESS);
        Attempt open = attempt(a, 1, "exec", NOW.plusSeconds(60));
        assertNull(TaskMachine.lateBuildroot(open), "a buildroot is building while its attempt runs");
        assertEquals("chroot-ready arrived late: attempt 1 had already ended (success)",
                TaskMachine.lateBuildroot(ended(open, "success", null)));
        assertEquals("chroot-ready arrived late: attempt 1 had already ended (cancelled: by planner)",
                TaskMachine.lateBuildroot(ended(open, null, "cancelled: by planner")));
    }

    @Test
    void cancellingAComposeAbortsWaitingTasksStopsRunningOnesAndKeepsFinishedOnes() {
        assertEquals(Optional.empty(), TaskMachine.refuseCancel(planned(1)));
        String why = TaskMachine.cancelReason("planner", "superseded by a newer compose");
        assertEquals("compose cancelled by planner: superseded by a newer compose", why);
        assertEquals("compose cancelled by admin", TaskMachine.cancelReason("admin", null));
        assertEquals(CancelAction.ABORT, TaskMachine.cancel(task("p", TaskStatus.PENDING, null, 0)));
        assertEquals(CancelAction.ABORT, TaskMachine.cancel(fresh("b")));
        assertEquals(CancelAction.STOP, TaskMachine.cancel(running("r", 1)));
        assertEquals(CancelAction.KEEP, TaskMachine.cancel(done("d", TaskResult.SUCCESS)));
        assertEquals(new CancelResult(CancelResult.Kind.CANCELLED, 2, 1, why
                + ": 2 waiting task(s) aborted, 1 running task(s) told to stop"), TaskMachine.cancelled(why, 2, 1));
        assertEquals(new Gate.Abort(why), MACHINE.gate(cancelledCompose(), List.of()),
                "a task that arrives after the cancel is aborted too");
    }

    @Test
    void aComposeCancelledOrHandedOffAlreadyIsNotCancelledAgain() {
        assertEquals(CancelResult.Kind.ALREADY_CANCELLED, TaskMachine.refuseCancel(cancelledCompose()).orElseThrow()
                .kind());
        Compose built = new Compose(COMPOSE, 1, NOW, null, null, null, "complete", NOW, NOW, null);
        assertEquals(new CancelResult(CancelResult.Kind.ALREADY_BUILT, 0, 0, "compose " + COMPOSE
                + " was already handed off (compose-built, outcome complete)"),
                TaskMachine.refuseCancel(built).orElseThrow());
        assertFalse(TaskMachine.awaitsHandOff(built));
        assertFalse(TaskMachine.awaitsHandOff(cancelledCompose()));
        assertFalse(TaskMachine.awaitsHandOff(unplanned()));
    }

    @Test
    void theResultOfACancelledAttemptIsRecordedNotApplied() {
        Task aborted = task("doomedbr", TaskStatus.ABORTED, null, 1);
        Attempt cancelled = ended(attempt(aborted, 1, "exec", NOW.plusSeconds(60)), null, "cancelled: by planner");
        assertFalse(result(aborted, cancelled, BuildResult.SUCCESS).applied());
    }

    @Test
    void onlyATaskThatCompletedWithFailureOrErrorCanBeRetriedAndItsSkippedDependentsWaitAgain() {
        Task failed = done("broken", TaskResult.FAILURE);
        assertEquals(Optional.empty(), TaskMachine.refuseRetry(planned(1), failed));
        assertEquals(new RetryResult(RetryResult.Kind.RETRIED, "task " + failed.taskId() + " will run as attempt 2"),
                TaskMachine.retried(failed));
        assertEquals(new RetryResult(RetryResult.Kind.CONFLICT, "task " + id("fine") + " is completed with success:"
                + " only a task that completed with failure or error can be retried"),
                TaskMachine.refuseRetry(planned(1), done("fine", TaskResult.SUCCESS)).orElseThrow());
        assertEquals(new RetryResult(RetryResult.Kind.CONFLICT, "compose " + COMPOSE + " was cancelled"),
                TaskMachine.refuseRetry(cancelledCompose(), failed).orElseThrow());
        assertTrue(TaskMachine.unskips(done("needsbroken", TaskResult.SKIPPED)));
        assertFalse(TaskMachine.unskips(done("fine", TaskResult.SUCCESS)));
    }

    // ------------------------------------------------------------ duplicates

    @Test
    void aRepeatedResultOfAnAttemptChangesNothing() {
        Task a = done("dup", TaskResult.SUCCESS);
        Attempt recorded = ended(attempt(a, 1, "exec", NOW.plusSeconds(60)), "success", null);
        assertEquals(Optional.empty(), MACHINE.built(a, recorded, built(id("dup"), 1, COMPOSE, "exec",
                BuildResult.FAILURE)), "a second, contradicting result of attempt 1 changes nothing either");
    }

    @Test
    void aNewTaskThatCanGoAtOnceGoesStraightToRunning() {
        Next.Dispatch d = assertInstanceOf(Next.Dispatch.class,
                MACHINE.next(planned(1), fresh("dup"), null, NOBODY, AMD64, NOW));
        assertEquals("attempt 1 dispatched to build-tasks.amd64", d.reason(), "never pending: one event to running");
    }

    // ------------------------------------------------------------ content keys

    @Test
    void anUnchangedContentKeyIsNotRebuiltAndItsArtifactsAreReused() {
        Task x1 = done("stable", TaskResult.SUCCESS);
        Attempt success = ended(attempt(x1, 1, "exec", NOW), "success", null);
        Next next = MACHINE.next(planned(1), fresh("stable"), null, new ContentKey(Optional.of(success),
                Optional.empty()), AMD64, NOW);
        Next.Reuse reuse = assertInstanceOf(Next.Reuse.class, next);
        assertEquals("content key " + Fixtures.sha("stable").substring(0, 12) + " was built by " + x1.taskId()
                + " attempt 1: its artifacts are reused, nothing is rebuilt", reuse.reason());
        assertEquals(1, reuse.attempt());
        assertEquals(success, reuse.source());
    }

    @Test
    void aContentKeyBeingBuiltIsWaitedForNotBuiltTwice() {
        Task x2 = fresh("twin");
        Next next = MACHINE.next(planned(1), x2, null, new ContentKey(Optional.empty(), Optional.of(new TaskId("first:twin"))),
                AMD64, NOW);
        assertEquals(new Next.Wait("waiting for first:twin, which is building the same content key "
                + x2.contentKey().substring(0, 12) + ": its result is reused if it succeeds", true), next);
    }

    @Test
    void whenTheBuildItWaitedForFailsTheTwinIsBuiltItself() {
        Task x2 = task("twinf", TaskStatus.PENDING, null, 0).with(TaskStatus.PENDING, null, "waiting for first", null);
        Next.Dispatch d = assertInstanceOf(Next.Dispatch.class,
                MACHINE.next(planned(1), x2, TaskStatus.PENDING, NOBODY, AMD64, NOW));
        assertEquals("attempt 1 dispatched to build-tasks.amd64", d.reason());
    }

    // ------------------------------------------------------------ executors

    @Test
    void anArchitectureWithoutExecutorsSaysSoAndIsDispatchedWhenOneHeartbeats() {
        Task lonely = fresh("lonely");
        assertEquals(new Next.Wait("no executor serves amd64 (none heartbeated within 60 s)", true),
                MACHINE.next(planned(1), lonely, null, NOBODY, Set.of("arm64"), NOW));
        Task pending = lonely.with(TaskStatus.PENDING, null, "no executor serves amd64 (none heartbeated within 60 s)",
                null);
        assertFalse(((Next.Wait) MACHINE.next(planned(1), pending, TaskStatus.PENDING, NOBODY, Set.of(), NOW))
                .announce(), "the same reason again is no new event");
        assertInstanceOf(Next.Dispatch.class, MACHINE.next(planned(1), pending, TaskStatus.PENDING, NOBODY, AMD64, NOW));
    }

    // ------------------------------------------------------------ hand-off

    @Test
    void aComposeWhoseHandOffIsOverTheEventSizeLimitSaysWhyAndWhereItsResultsAre() {
        assertEquals("compose-built could not be written: ComposeBuilt payload is 600000 bytes; its content is at"
                + " GET /api/composes/" + COMPOSE + "/results",
                TaskMachine.handOffError(planned(2), "ComposeBuilt payload is 600000 bytes"));
    }

    @Test
    void aComposeIsHandedOffOnlyOnceEveryAnnouncedTaskHasArrivedAndEnded() {
        Task early = done("early", TaskResult.SUCCESS);
        List<TaskId> announced = List.of(early.taskId(), id("late"));
        assertEquals(Optional.empty(), TaskMachine.handOff(planned(2), announced, List.of(early), Map.of(),
                plan(Failable.NONE)), "late was announced and has not arrived");
        assertEquals(Optional.empty(), TaskMachine.handOff(planned(2), announced, List.of(early, running("late", 1)),
                Map.of(), plan(Failable.NONE)), "late is still running");
        ComposeBuilt handoff = TaskMachine.handOff(planned(2), announced, List.of(early, done("late",
                TaskResult.SUCCESS)), Map.of(), plan(Failable.NONE)).orElseThrow();
        assertEquals(List.of(id("early"), id("late")), handoff.packages().stream().map(PackageResult::taskId).toList());
    }

    @Test
    void aComposeWithoutTasksIsHandedOffAtOnceComplete() {
        ComposeBuilt handoff = TaskMachine.handOff(planned(0), List.of(), List.of(), Map.of(), plan(Failable.NONE))
                .orElseThrow();
        assertEquals(List.of(), handoff.packages());
        assertEquals(ComposeOutcome.COMPLETE, handoff.outcome());
    }

    // ------------------------------------------------------------ bad input

    @Test
    void aResultForAnUnknownTaskOrAnAttemptNeverDispatchedIsRejectedWithTheReason() {
        RejectedEventException unknown = assertThrows(RejectedEventException.class,
                () -> TaskMachine.known(Optional.empty(), id("ghost"), COMPOSE));
        assertEquals("taskId '" + id("ghost") + "' is unknown to the scheduler", unknown.getMessage());
        Task real = running("real", 1);
        RejectedEventException never = assertThrows(RejectedEventException.class,
                () -> TaskMachine.dispatched(real, 7, Optional.empty()));
        assertEquals("attempt '7' was never dispatched for task " + real.taskId() + " (its current attempt is 1)",
                never.getMessage());
        RejectedEventException elsewhere = assertThrows(RejectedEventException.class,
                () -> TaskMachine.known(Optional.of(real), real.taskId(), new ComposeId("other-1-20261207.t.0")));
        assertEquals("composeId 'other-1-20261207.t.0' does not match task " + real.taskId()
                + ", which belongs to compose " + COMPOSE, elsewhere.getMessage());
    }
}
