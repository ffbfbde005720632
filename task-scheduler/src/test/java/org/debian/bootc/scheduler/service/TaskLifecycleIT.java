package org.debian.bootc.scheduler.service;

import static org.debian.bootc.scheduler.Fixtures.await;
import static org.debian.bootc.scheduler.Fixtures.awaitTask;
import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.chrootReady;
import static org.debian.bootc.scheduler.Fixtures.deb;
import static org.debian.bootc.scheduler.Fixtures.heartbeat;
import static org.debian.bootc.scheduler.Fixtures.is;
import static org.debian.bootc.scheduler.Fixtures.kafka;
import static org.debian.bootc.scheduler.Fixtures.newCompose;
import static org.debian.bootc.scheduler.Fixtures.planned;
import static org.debian.bootc.scheduler.Fixtures.queued;
import static org.debian.bootc.scheduler.Fixtures.rows;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.sha;
import static org.debian.bootc.scheduler.Fixtures.task;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeCancelRequested;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every transition of the task state machine on the real broker and database: the
 * test plays the planner and the executors by producing their events, and checks the
 * events the scheduler writes and the rows it keeps.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class TaskLifecycleIT {

    private static final String EXECUTOR = "lifecycle-executor";
    private static final Duration QUIET = Duration.ofSeconds(2);

    private TopicProbe dispatches;
    private TopicProbe statuses;
    private TopicProbe built;
    private TopicProbe cancellations;

    @BeforeEach
    void probesAndAnExecutor() {
        dispatches = new TopicProbe(kafka(), Topics.buildTasks("amd64"), Topics.buildTasks("arm64"));
        statuses = new TopicProbe(kafka(), Topics.TASK_STATUS);
        built = new TopicProbe(kafka(), Topics.COMPOSE_BUILT);
        cancellations = new TopicProbe(kafka(), Topics.BUILD_CANCELLATIONS);
        send(heartbeat(EXECUTOR, List.of("amd64", "arm64")));
    }

    @AfterEach
    void closeProbes() {
        dispatches.close();
        statuses.close();
        built.close();
        cancellations.close();
    }

    private BuildTaskDispatched dispatched(TaskId task, int attempt) {
        return await(dispatches, EventType.BUILD_TASK_DISPATCHED, task.value(), d -> d.attempt() == attempt);
    }

    private TaskStatusChanged status(TaskId task, TaskStatus from, TaskStatus to) {
        return await(statuses, EventType.TASK_STATUS_CHANGED, task.value(),
                s -> s.oldStatus() == from && s.newStatus() == to);
    }

    private ComposeBuilt composeBuilt(ComposeId compose) {
        return await(built, EventType.COMPOSE_BUILT, compose.value(), b -> true);
    }

    /** The buildroot of an attempt, once chroot-ready has been recorded. */
    private static Map<String, Object> buildroot(TaskId task, int attempt) throws Exception {
        return Fixtures.awaitRows("select * from buildroot where task_id = ? and attempt = ?", task.value(), attempt)
                .get(0);
    }

    /** The buildroot of an attempt once it is expired; its expiry shares the transaction (now()) of the attempt's end. */
    private static Map<String, Object> expired(TaskId task, int attempt) throws Exception {
        Map<String, Object> row = Fixtures.awaitRows("""
                select b.*, a.ended_at from buildroot b join attempt a on a.task_id = b.task_id and a.attempt = b.attempt
                where b.task_id = ? and b.attempt = ? and b.state = 'expired'""", task.value(), attempt).get(0);
        assertNotNull(row.get("expired_at"), "an expired buildroot says when");
        assertEquals(row.get("ended_at"), row.get("expired_at"),
                "expired in the transaction that ended attempt " + attempt);
        return row;
    }

    private static void assertBuilding(Map<String, Object> buildroot) {
        assertEquals("building", buildroot.get("state"), "a buildroot is building while its attempt runs");
        assertNull(buildroot.get("expired_at"));
        assertNull(buildroot.get("expired_reason"));
    }

    /** Records of {@code key} on the probe's topics that arrive within a quiet spell. */
    private static List<ConsumerRecord<String, byte[]>> more(TopicProbe probe, String key) {
        return probe.drain(QUIET).stream().filter(r -> Objects.equals(r.key(), key)).toList();
    }

    @Test
    void aDagIsDispatchedInDependencyOrderAndHandedOffWhenAllSucceeded() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "libfoo", "amd64");
        TaskId b = taskId(compose, "bar", "amd64");
        TaskId c = taskId(compose, "baz", "amd64");
        send(queued(compose, "libfoo", "amd64", null));
        send(queued(compose, "bar", "amd64", null, a));
        send(queued(compose, "baz", "amd64", null, a, b));

        TaskStatusChanged waiting = status(a, null, TaskStatus.PENDING);
        assertEquals("waiting for the compose's plan (compose-planned)", waiting.reason(),
                "nothing is dispatched before the plan is known");
        TaskStatusChanged blockedC = status(c, null, TaskStatus.BLOCKED);
        assertEquals("waiting for " + b + ", " + a, blockedC.reason(), "dependencies named in id order");
        status(b, null, TaskStatus.BLOCKED);

        send(planned(compose, a, b, c));
        BuildTaskDispatched first = dispatched(a, 1);
        assertEquals("libfoo", first.source().name());
        assertEquals(Fixtures.ARCHIVE, first.archive());
        assertTrue(first.leaseExpiresAt().isAfter(java.time.Instant.now()), "the lease lies ahead");
        status(a, TaskStatus.PENDING, TaskStatus.RUNNING);
        assertTrue(more(dispatches, b.value()).isEmpty(), "b waits for a");
        assertTrue(more(dispatches, c.value()).isEmpty(), "c waits for a and b");

        send(chrootReady(a, 1, compose, EXECUTOR, "amd64"));
        assertBuilding(buildroot(a, 1));
        send(built(a, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(a, "libfoo1_1.0-1_amd64.deb")));
        TaskStatusChanged doneA = status(a, TaskStatus.RUNNING, TaskStatus.COMPLETED);
        assertEquals(TaskResult.SUCCESS, doneA.result());
        dispatched(b, 1);
        assertEquals("every dependency completed with success; attempt 1 dispatched to build-tasks.amd64",
                status(b, TaskStatus.BLOCKED, TaskStatus.RUNNING).reason(),
                "the reason it was blocked no longer holds, and it went at once");
        assertEquals("every dependency completed with success; attempt 1 dispatched to build-tasks.amd64",
                task(b).get("reason"), "the row and the event say the same");
        assertTrue(more(dispatches, c.value()).isEmpty(), "c still waits for b");
        assertEquals("blocked", task(c).get("status"));
        assertEquals("waiting for " + b, task(c).get("reason"));

        send(built(b, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(b, "bar_1.0-1_amd64.deb")));
        dispatched(c, 1);
        send(built(c, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(c, "baz_1.0-1_amd64.deb")));

        ComposeBuilt handoff = composeBuilt(compose);
        assertEquals(ComposeOutcome.COMPLETE, handoff.outcome());
        assertEquals(List.of(a, b, c), handoff.packages().stream().map(PackageResult::taskId).toList());
        assertTrue(handoff.packages().stream().allMatch(p -> p.result() == TaskResult.SUCCESS));
        assertEquals("libfoo1_1.0-1_amd64.deb", handoff.packages().get(0).artifacts().get(0).name());
        assertEquals("trixie", handoff.plan().suite());
        assertEquals("complete", rows("select outcome from compose where compose_id = ?", compose.value()).get(0)
                .get("outcome"));
        Map<String, Object> buildroot = expired(a, 1);
        assertEquals(EXECUTOR, buildroot.get("executor_id"));
        assertTrue(buildroot.get("installed").toString().contains("\"gcc\""));
        assertEquals("package-built success", buildroot.get("expired_reason"));
    }

    @Test
    void aFailedBuildSkipsItsDependentsIsNeverRetriedAndDoomsTheCompose() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "broken", "amd64");
        TaskId b = taskId(compose, "needsbroken", "amd64");
        TaskId c = taskId(compose, "needsneeds", "amd64");
        TaskId d = taskId(compose, "fine", "amd64");
        send(planned(compose, a, b, c, d));
        send(queued(compose, "broken", "amd64", null));
        send(queued(compose, "needsbroken", "amd64", null, a));
        send(queued(compose, "needsneeds", "amd64", null, b));
        send(queued(compose, "fine", "amd64", null));
        dispatched(a, 1);
        dispatched(d, 1);

        send(built(a, 1, compose, EXECUTOR, BuildResult.FAILURE));
        TaskStatusChanged failed = status(a, TaskStatus.RUNNING, TaskStatus.COMPLETED);
        assertEquals(TaskResult.FAILURE, failed.result());
        assertTrue(failed.reason().startsWith("attempt 1 failed to build: dpkg-buildpackage: error"), failed.reason());
        TaskStatusChanged skipped = status(b, TaskStatus.BLOCKED, TaskStatus.COMPLETED);
        assertEquals(TaskResult.SKIPPED, skipped.result());
        assertEquals("dependency " + a + " completed with failure", skipped.reason());
        TaskStatusChanged skipped2 = status(c, TaskStatus.BLOCKED, TaskStatus.COMPLETED);
        assertEquals("dependency " + b + " completed with skipped", skipped2.reason());

        send(built(d, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(d, "fine_1.0-1_amd64.deb")));
        ComposeBuilt handoff = composeBuilt(compose);
        assertEquals(ComposeOutcome.DOOMED, handoff.outcome());
        assertTrue(more(dispatches, a.value()).isEmpty(), "a failure (FTBFS) is never retried by itself");
        assertEquals(1, rows("select * from attempt where task_id = ?", a.value()).size());
    }

    @Test
    void aFailureOfAFailablePackageMakesTheComposeIncomplete() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "optional", "amd64");
        TaskId b = taskId(compose, "core", "amd64");
        send(planned(compose, List.of(a, b), new Failable(List.of(), List.of("optional"))));
        send(queued(compose, "optional", "amd64", null));
        send(queued(compose, "core", "amd64", null));
        dispatched(a, 1);
        dispatched(b, 1);
        send(built(a, 1, compose, EXECUTOR, BuildResult.FAILURE));
        send(built(b, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(b, "core_1.0-1_amd64.deb")));
        ComposeBuilt handoff = composeBuilt(compose);
        assertEquals(ComposeOutcome.INCOMPLETE, handoff.outcome());
        assertEquals(List.of(), handoff.packages().get(0).artifacts(), "a failed package hands off no artifacts");
    }

    @Test
    void anInfrastructureErrorRetriesWithBackoffUntilTheAttemptsAreSpent() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "flaky", "amd64");
        send(planned(compose, a));
        send(queued(compose, "flaky", "amd64", null));
        dispatched(a, 1);
        send(chrootReady(a, 1, compose, EXECUTOR, "amd64"));
        assertBuilding(buildroot(a, 1));
        send(built(a, 1, compose, EXECUTOR, BuildResult.ERROR));
        TaskStatusChanged backoff = status(a, TaskStatus.RUNNING, TaskStatus.PENDING);
        assertTrue(backoff.reason().startsWith("attempt 1 ended in error: dpkg-buildpackage"), backoff.reason());
        assertTrue(backoff.reason().contains("attempt 2 not before"), backoff.reason());
        BuildTaskDispatched second = dispatched(a, 2);
        assertEquals("package-built error", expired(a, 1).get("expired_reason"),
                "the retry is a new attempt; the errored one's buildroot is not in use any more");
        assertEquals(2, second.attempt());
        assertEquals(1, rows("select supersedes from attempt where task_id = ? and attempt = 2", a.value()).get(0)
                .get("supersedes"));
        send(built(a, 2, compose, EXECUTOR, BuildResult.ERROR));
        dispatched(a, 3);
        send(built(a, 3, compose, EXECUTOR, BuildResult.ERROR));
        TaskStatusChanged gaveUp = status(a, TaskStatus.RUNNING, TaskStatus.COMPLETED);
        assertEquals(TaskResult.ERROR, gaveUp.result());
        assertTrue(gaveUp.reason().endsWith("no attempts left (max-attempts 3)"), gaveUp.reason());
        // the backoff doubles: attempt 3 went out at least 2 × 200 ms after attempt 2 ended
        double gap = ((Number) rows("""
                select extract(epoch from (a3.dispatched_at - a2.ended_at)) * 1000 as ms
                from attempt a2 join attempt a3 on a3.task_id = a2.task_id and a3.attempt = 3
                where a2.task_id = ? and a2.attempt = 2""", a.value()).get(0).get("ms")).doubleValue();
        assertTrue(gap >= 400, "backoff before attempt 3: " + gap + " ms");
        assertEquals(ComposeOutcome.DOOMED, composeBuilt(compose).outcome());
    }

    @Test
    void anExpiredLeaseIsSupersededByANewAttemptAndTheLateResultIsRecordedNotApplied() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "slow", "amd64");
        send(planned(compose, a));
        send(queued(compose, "slow", "amd64", null));
        dispatched(a, 1);
        send(chrootReady(a, 1, compose, "dead-executor", "amd64"));
        Fixtures.awaitRows("select * from attempt where task_id = ? and executor_id = 'dead-executor'", a.value());
        assertBuilding(buildroot(a, 1));
        // the executor went silent: its lease runs out
        Fixtures.update("update attempt set lease_expires_at = now() - interval '1 second' where task_id = ?",
                a.value());

        BuildTaskCancelled cancelled = await(cancellations, EventType.BUILD_TASK_CANCELLED, a.value(),
                x -> x.attempt() == 1);
        assertTrue(cancelled.reason().contains("lease of attempt 1 expired"), cancelled.reason());
        assertTrue(cancelled.reason().contains("held by dead-executor"), cancelled.reason());
        TaskStatusChanged requeued = status(a, TaskStatus.RUNNING, TaskStatus.PENDING);
        assertTrue(requeued.reason().startsWith("lease of attempt 1 expired"), requeued.reason());
        dispatched(a, 2);
        TaskStatusChanged rerun = await(statuses, EventType.TASK_STATUS_CHANGED, a.value(),
                s -> s.newStatus() == TaskStatus.RUNNING && s.attempt() == 2);
        assertEquals(TaskStatus.PENDING, rerun.oldStatus());
        assertEquals("attempt 2 dispatched to build-tasks.amd64, superseding attempt 1", rerun.reason());
        String superseded = expired(a, 1).get("expired_reason").toString();
        assertTrue(superseded.startsWith("superseded by attempt 2: lease of attempt 1 expired at "), superseded);
        assertTrue(superseded.endsWith("(held by dead-executor)"), superseded);

        // the old executor comes back with a result: recorded on attempt 1, not applied
        send(built(a, 1, compose, "dead-executor", BuildResult.SUCCESS, deb(a, "slow_1.0-1_amd64.deb")));
        Fixtures.awaitRows("select * from attempt where task_id = ? and attempt = 1 and result = 'success'", a.value());
        Map<String, Object> late = rows("select * from attempt where task_id = ? and attempt = 1", a.value()).get(0);
        assertEquals(false, late.get("applied"));
        assertTrue(late.get("end_reason").toString().startsWith("superseded: lease of attempt 1 expired"));
        assertEquals("running", task(a).get("status"), "the task follows attempt 2 only");
        assertEquals(superseded, expired(a, 1).get("expired_reason"), "the late result does not rewrite why it expired");

        send(built(a, 2, compose, EXECUTOR, BuildResult.FAILURE));
        Map<String, Object> done = awaitTask(a, is("completed", "failure"), "completed with failure (attempt 2)");
        assertEquals(2, done.get("current_attempt"));
    }

    @Test
    void aLeaseThatExpiresWithNoAttemptsLeftExpiresTheBuildrootWithoutASuccessor() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "lastgasp", "amd64");
        send(planned(compose, a));
        send(queued(compose, "lastgasp", "amd64", null));
        dispatched(a, 1);
        send(built(a, 1, compose, EXECUTOR, BuildResult.ERROR));
        dispatched(a, 2);
        send(built(a, 2, compose, EXECUTOR, BuildResult.ERROR));
        dispatched(a, 3);
        send(chrootReady(a, 3, compose, "dying-executor", "amd64"));
        Fixtures.awaitRows("select * from attempt where task_id = ? and attempt = 3 and executor_id = 'dying-executor'",
                a.value());
        Fixtures.update("update attempt set lease_expires_at = now() - interval '1 second' where task_id = ? and attempt = 3",
                a.value());
        awaitTask(a, is("completed", "error"), "completed with error: no attempts left");
        String why = expired(a, 3).get("expired_reason").toString();
        assertTrue(why.startsWith("lease of attempt 3 expired at "), why);
        assertTrue(why.endsWith("(held by dying-executor); no attempts left"), why);
    }

    @Test
    void aChrootReadyForAnAttemptThatHasEndedRecordsItsBuildrootExpired() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "hasty", "amd64");
        send(planned(compose, a));
        send(queued(compose, "hasty", "amd64", null));
        dispatched(a, 1);
        // the result overtakes chroot-ready (another topic, another partition)
        send(built(a, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(a, "hasty_1.0-1_amd64.deb")));
        awaitTask(a, is("completed", "success"), "completed with success");
        assertTrue(rows("select * from buildroot where task_id = ?", a.value()).isEmpty(), "no chroot-ready yet");
        send(chrootReady(a, 1, compose, EXECUTOR, "amd64"));
        Map<String, Object> late = Fixtures.awaitRows("select * from buildroot where task_id = ?", a.value()).get(0);
        assertEquals("expired", late.get("state"), "it arrived late: never building");
        assertNotNull(late.get("expired_at"));
        assertEquals("chroot-ready arrived late: attempt 1 had already ended (success)", late.get("expired_reason"));
        assertEquals(late.get("buildroot_id"), rows("select buildroot_id from attempt where task_id = ?", a.value())
                .get(0).get("buildroot_id"), "the attempt still names its buildroot");
    }

    @Test
    void cancellingTheComposeExpiresTheBuildrootOfItsRunningAttempt() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "doomedbr", "amd64");
        send(planned(compose, a));
        send(queued(compose, "doomedbr", "amd64", null));
        dispatched(a, 1);
        send(chrootReady(a, 1, compose, EXECUTOR, "amd64"));
        assertBuilding(buildroot(a, 1));
        send(new ComposeCancelRequested(compose, "planner", "superseded by a newer compose"));
        await(cancellations, EventType.BUILD_TASK_CANCELLED, a.value(), x -> x.attempt() == 1);
        assertEquals("cancelled: compose cancelled by planner: superseded by a newer compose",
                expired(a, 1).get("expired_reason"));
        // the executor's result arrives anyway: recorded, not applied, and the buildroot keeps why it expired
        send(built(a, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(a, "doomedbr_1.0-1_amd64.deb")));
        Fixtures.awaitRows("select * from attempt where task_id = ? and result = 'success' and not applied", a.value());
        assertEquals("cancelled: compose cancelled by planner: superseded by a newer compose",
                expired(a, 1).get("expired_reason"));
    }

    @Test
    void anAttemptNoExecutorHasTakenKeepsItsLeaseAndIsNotSuperseded() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "queued", "amd64");
        send(planned(compose, a));
        send(queued(compose, "queued", "amd64", null));
        dispatched(a, 1);
        // its record waits behind other builds: no executor has reported it when the lease runs out
        Fixtures.update("update attempt set lease_expires_at = now() - interval '1 second' where task_id = ?",
                a.value());
        Fixtures.awaitRows("""
                select * from attempt where task_id = ? and attempt = 1 and ended_at is null and executor_id is null
                and lease_expires_at > now() + interval '4 minutes'""", a.value());
        assertEquals(1, rows("select * from attempt where task_id = ?", a.value()).size(), "no new attempt");
        Map<String, Object> task = task(a);
        assertEquals("running", task.get("status"));
        assertEquals(1, ((Number) task.get("current_attempt")).intValue());

        // an executor takes it: its heartbeat holds the lease from then on
        send(heartbeat("late-executor", List.of("amd64"), a));
        Fixtures.awaitRows("select * from attempt where task_id = ? and attempt = 1 and executor_id = 'late-executor'",
                a.value());
        send(built(a, 1, compose, "late-executor", BuildResult.SUCCESS, deb(a, "queued_1.0-1_amd64.deb")));
        awaitTask(a, is("completed", "success"), "completed with success (attempt 1)");
    }

    @Test
    void aHeartbeatRenewsTheLeaseOfTheTasksItReportsRunning() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "long", "amd64");
        send(planned(compose, a));
        send(queued(compose, "long", "amd64", null));
        dispatched(a, 1);
        Fixtures.update("update attempt set lease_expires_at = now() + interval '20 seconds' where task_id = ?",
                a.value());
        send(heartbeat("renewing-executor", List.of("amd64"), a));
        Fixtures.awaitRows("""
                select * from attempt where task_id = ? and executor_id = 'renewing-executor'
                and lease_expires_at > now() + interval '4 minutes'""", a.value());
    }

    @Test
    void duplicatesChangeNothing() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "dup", "amd64");
        send(planned(compose, a));
        OutgoingEvent once = send(queued(compose, "dup", "amd64", null));
        send(once); // redelivery: same event id
        send(queued(compose, "dup", "amd64", null)); // re-announced: new event id, same natural key
        dispatched(a, 1);
        send(planned(compose, a)); // the plan again
        OutgoingEvent result = send(built(a, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(a, "dup_1.0-1_amd64.deb")));
        send(result);
        send(built(a, 1, compose, EXECUTOR, BuildResult.FAILURE)); // a second, contradicting result of attempt 1
        composeBuilt(compose);
        assertTrue(more(dispatches, a.value()).isEmpty(), "dispatched once");
        assertTrue(more(built, compose.value()).isEmpty(), "handed off once");
        assertEquals(1, rows("select * from task where compose_id = ?", compose.value()).size());
        assertEquals("success", rows("select result from attempt where task_id = ?", a.value()).get(0).get("result"));
        statuses.drain(QUIET);
        List<TaskStatusChanged> ofA = statuses.seen().stream().filter(r -> a.value().equals(r.key()))
                .map(r -> Fixtures.decode(EventType.TASK_STATUS_CHANGED, r)).toList();
        assertEquals(1, ofA.stream().filter(e -> e.newStatus() == TaskStatus.COMPLETED).count(), "completed once");
        assertEquals(List.of("(new) -> running", "running -> completed"), ofA.stream()
                .map(e -> (e.oldStatus() == null ? "(new)" : e.oldStatus().wireName()) + " -> " + e.newStatus().wireName())
                .toList(), "a task that can go at once was never pending: one event takes it to running");
    }

    @Test
    void anUnchangedContentKeyIsNotRebuiltAndItsArtifactsAreReused() throws Exception {
        String key = sha("reuse-" + System.nanoTime());
        ComposeId first = newCompose();
        TaskId x1 = taskId(first, "stable", "amd64");
        send(planned(first, x1));
        send(queued(first, "stable", "amd64", key));
        dispatched(x1, 1);
        send(built(x1, 1, first, EXECUTOR, BuildResult.SUCCESS, deb(x1, "stable_1.0-1_amd64.deb")));
        composeBuilt(first);

        ComposeId second = newCompose();
        TaskId x2 = taskId(second, "stable", "amd64");
        send(planned(second, x2));
        send(queued(second, "stable", "amd64", key));
        TaskStatusChanged reused = status(x2, null, TaskStatus.COMPLETED);
        assertEquals(TaskResult.SUCCESS, reused.result());
        assertTrue(reused.reason().contains("was built by " + x1 + " attempt 1"), reused.reason());
        ComposeBuilt handoff = composeBuilt(second);
        assertEquals(ComposeOutcome.COMPLETE, handoff.outcome());
        assertEquals(deb(x1, "stable_1.0-1_amd64.deb"), handoff.packages().get(0).artifacts().get(0),
                "the artifacts of the first build, byte for byte the same references");
        assertTrue(more(dispatches, x2.value()).isEmpty(), "nothing was dispatched");
    }

    @Test
    void aContentKeyBeingBuiltIsWaitedForNotBuiltTwice() throws Exception {
        String key = sha("twin-" + System.nanoTime());
        ComposeId first = newCompose();
        TaskId x1 = taskId(first, "twin", "amd64");
        send(planned(first, x1));
        send(queued(first, "twin", "amd64", key));
        dispatched(x1, 1);

        // the same inputs again while the first build runs: the second compose waits for it
        ComposeId second = newCompose();
        TaskId x2 = taskId(second, "twin", "amd64");
        send(planned(second, x2));
        send(queued(second, "twin", "amd64", key));
        TaskStatusChanged waiting = await(statuses, EventType.TASK_STATUS_CHANGED, x2.value(),
                s -> s.newStatus() == TaskStatus.PENDING && s.reason() != null && s.reason().startsWith("waiting for"));
        assertEquals("waiting for " + x1 + ", which is building the same content key " + key.substring(0, 12)
                + ": its result is reused if it succeeds", waiting.reason());

        send(built(x1, 1, first, EXECUTOR, BuildResult.SUCCESS, deb(x1, "twin_1.0-1_amd64.deb")));
        TaskStatusChanged reused = status(x2, TaskStatus.PENDING, TaskStatus.COMPLETED);
        assertEquals(TaskResult.SUCCESS, reused.result());
        assertTrue(reused.reason().contains("was built by " + x1 + " attempt 1"), reused.reason());
        assertEquals(deb(x1, "twin_1.0-1_amd64.deb"), composeBuilt(second).packages().get(0).artifacts().get(0));
        assertTrue(more(dispatches, x2.value()).isEmpty(), "the second task was never dispatched");
    }

    @Test
    void whenTheBuildItWaitedForFailsTheTwinIsBuiltItself() throws Exception {
        String key = sha("twin-fail-" + System.nanoTime());
        ComposeId first = newCompose();
        TaskId x1 = taskId(first, "twinf", "amd64");
        send(planned(first, x1));
        send(queued(first, "twinf", "amd64", key));
        dispatched(x1, 1);
        ComposeId second = newCompose();
        TaskId x2 = taskId(second, "twinf", "amd64");
        send(planned(second, x2));
        send(queued(second, "twinf", "amd64", key));
        await(statuses, EventType.TASK_STATUS_CHANGED, x2.value(),
                s -> s.newStatus() == TaskStatus.PENDING && s.reason() != null && s.reason().startsWith("waiting for"));

        send(built(x1, 1, first, EXECUTOR, BuildResult.FAILURE));
        dispatched(x2, 1);
    }

    @Test
    void anArchitectureWithoutExecutorsSaysSoAndIsDispatchedWhenOneHeartbeats() throws Exception {
        // an architecture no other test (or earlier run against the same database) has heartbeated for
        String arch = "sim" + java.util.UUID.randomUUID().toString().substring(0, 6);
        LocalStackTestResource.kafka().createTopics(List.of(Topics.buildTasks(arch)), 1);
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "lonely", arch);
        send(planned(compose, a));
        send(queued(compose, "lonely", arch, null));
        // before or after the plan arrives, it ends pending with the reason on its status event
        TaskStatusChanged waiting = await(statuses, EventType.TASK_STATUS_CHANGED, a.value(),
                s -> s.newStatus() == TaskStatus.PENDING && s.reason().startsWith("no executor serves"));
        assertEquals("no executor serves " + arch + " (none heartbeated within 60 s)", waiting.reason());
        assertEquals("pending", task(a).get("status"));

        try (TopicProbe archTasks = new TopicProbe(kafka(), Topics.buildTasks(arch))) {
            send(heartbeat("executor-" + arch, List.of(arch)));
            BuildTaskDispatched d = await(archTasks, EventType.BUILD_TASK_DISPATCHED, a.value(), x -> true);
            assertEquals(arch, d.architecture());
        }
        status(a, TaskStatus.PENDING, TaskStatus.RUNNING);
    }

    @Test
    void aComposeWhoseHandOffIsOverTheEventSizeLimitStillAppliesItsLastResultAndSaysWhy() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "hugea", "amd64");
        TaskId b = taskId(compose, "hugeb", "amd64");
        send(planned(compose, a, b));
        send(queued(compose, "hugea", "amd64", null));
        send(queued(compose, "hugeb", "amd64", null));
        dispatched(a, 1);
        dispatched(b, 1);
        // each result fits in an event (about 390 KB); the two together in compose-built do not
        for (TaskId t : List.of(a, b)) {
            org.debian.bootc.events.ArtifactRef[] many = new org.debian.bootc.events.ArtifactRef[1400];
            for (int i = 0; i < many.length; i++) {
                many[i] = deb(t, "pkg" + i + "_1.0-1_amd64.deb");
            }
            send(built(t, 1, compose, EXECUTOR, BuildResult.SUCCESS, many));
        }
        awaitTask(a, is("completed", "success"), "completed with success");
        awaitTask(b, is("completed", "success"), "completed with success: the last result is applied, not dead-lettered");
        Map<String, Object> row = Fixtures.awaitRows(
                "select * from compose where compose_id = ? and handoff_error is not null", compose.value()).get(0);
        assertEquals("complete", row.get("outcome"));
        assertTrue(row.get("handoff_error").toString().startsWith("compose-built could not be written: ComposeBuilt payload is "),
                row.get("handoff_error").toString());
        assertTrue(row.get("handoff_error").toString().endsWith("over the limit of 524288 bytes; its content is at"
                + " GET /api/composes/" + compose.value() + "/results"), row.get("handoff_error").toString());
        assertTrue(more(built, compose.value()).isEmpty(), "no compose-built");
        // what compose-built would have said is there, by reference, with its sha256 as ETag
        var response = io.restassured.RestAssured.given().when().get("/api/composes/" + compose.value() + "/results")
                .then().statusCode(200).extract();
        ComposeBuilt document = Fixtures.CODEC.mapper().readValue(response.asByteArray(), ComposeBuilt.class);
        assertEquals(ComposeOutcome.COMPLETE, document.outcome());
        assertEquals(List.of(a, b), document.packages().stream().map(PackageResult::taskId).sorted(
                java.util.Comparator.comparing(TaskId::value)).toList());
        assertTrue(document.packages().stream().allMatch(p -> p.artifacts().size() == 1400), "every artifact listed");
        assertEquals("\"" + Fixtures.sha256(response.asByteArray()) + "\"", response.header("ETag"));
    }

    @Test
    void aComposeIsHandedOffOnlyOnceEveryAnnouncedTaskHasArrivedAndEnded() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "early", "amd64");
        TaskId b = taskId(compose, "late", "amd64");
        send(planned(compose, a, b));
        send(queued(compose, "early", "amd64", null));
        dispatched(a, 1);
        send(built(a, 1, compose, EXECUTOR, BuildResult.SUCCESS));
        status(a, TaskStatus.RUNNING, TaskStatus.COMPLETED);
        assertTrue(more(built, compose.value()).isEmpty(), "b was announced and has not arrived: no hand-off yet");

        send(queued(compose, "late", "amd64", null));
        dispatched(b, 1);
        send(built(b, 1, compose, EXECUTOR, BuildResult.SUCCESS));
        assertEquals(List.of(a, b), composeBuilt(compose).packages().stream().map(PackageResult::taskId).toList());
    }

    @Test
    void aComposeWithoutTasksIsHandedOffAtOnce() throws Exception {
        ComposeId compose = newCompose();
        send(planned(compose));
        ComposeBuilt handoff = composeBuilt(compose);
        assertEquals(List.of(), handoff.packages());
        assertEquals(ComposeOutcome.COMPLETE, handoff.outcome());
    }

    @Test
    void aResultForAnUnknownTaskGoesToTheDeadLetterTopicWithTheReason() throws Exception {
        ComposeId compose = newCompose();
        TaskId ghost = taskId(compose, "ghost", "amd64");
        send(planned(compose, taskId(compose, "real", "amd64")));
        try (TopicProbe dlq = new TopicProbe(kafka(), Topics.dlq(Topics.PACKAGE_BUILT))) {
            send(built(ghost, 1, compose, EXECUTOR, BuildResult.SUCCESS));
            ConsumerRecord<String, byte[]> r = dlq.await(x -> ghost.value().equals(x.key()), Fixtures.WAIT);
            assertEquals("taskId '" + ghost + "' is unknown to the scheduler",
                    TopicProbe.header(r, "dead-letter-reason"));
        }
        TaskId real = taskId(compose, "real", "amd64");
        send(queued(compose, "real", "amd64", null));
        dispatched(real, 1);
        try (TopicProbe dlq = new TopicProbe(kafka(), Topics.dlq(Topics.PACKAGE_BUILT))) {
            send(built(real, 7, compose, EXECUTOR, BuildResult.SUCCESS));
            ConsumerRecord<String, byte[]> r = dlq.await(x -> real.value().equals(x.key()), Fixtures.WAIT);
            assertEquals("attempt '7' was never dispatched for task " + real + " (its current attempt is 1)",
                    TopicProbe.header(r, "dead-letter-reason"));
        }
        assertNull(task(ghost));
        assertFalse(rows("select * from attempt where task_id = ? and attempt = 7", real.value()).size() > 0);
    }
}
