package org.debian.bootc.scheduler.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Fixtures;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.TaskSpec;
import org.debian.bootc.scheduler.TaskState;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The batch path's deferred writes and read-ahead on the real PostgreSQL: what a
 * transaction deferred is what its next statement reads, a later write of the same row
 * wins, the read-ahead follows the transaction's own writes, and a deferred write that
 * fails is reported as such (not as the fault of whatever statement flushed it).
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class DeferredWritesIT {

    @Inject
    Transactions transactions;
    @Inject
    ComposeRepository composes;
    @Inject
    TaskRepository tasks;
    @Inject
    AttemptRepository attempts;

    @Test
    void theNextStatementReadsWhatWasDeferredAndTheLastWriteOfARowWins() {
        ComposeId compose = newCompose();
        TaskId id = new TaskId(compose + ":a:amd64");
        String status = transactions.run(sql -> {
            composes.lockOrCreate(sql, compose);
            tasks.insert(sql, task(compose, id, "key-" + id));
            tasks.setState(sql, id, TaskStatus.PENDING, null, "first", null, 1);
            tasks.setState(sql, id, TaskStatus.RUNNING, null, "second", null); // keeps current attempt 1
            attempts.dispatched(sql, id, 1, null, Instant.now().plusSeconds(60));
            // read in the same transaction: both deferred writes are in
            assertEquals(1, sql.count("select count(*) from attempt where task_id = ? and attempt = 1", id));
            return sql.one("select status || '/' || reason || '/' || current_attempt from task where task_id = ?",
                    rs -> rs.getString(1), id).orElseThrow();
        });
        assertEquals("running/second/1", status);
        // and they were committed
        Task stored = transactions.run(sql -> tasks.find(sql, id)).orElseThrow();
        assertEquals(TaskStatus.RUNNING, stored.status());
        assertEquals(1, stored.currentAttempt());
    }

    @Test
    void deferredWritesLeftAtTheEndAreWrittenBeforeCommit() {
        ComposeId compose = newCompose();
        TaskId id = new TaskId(compose + ":b:amd64");
        transactions.run(sql -> {
            composes.lockOrCreate(sql, compose);
            tasks.insert(sql, task(compose, id, "key-" + id));
            tasks.setState(sql, id, TaskStatus.COMPLETED, TaskResult.SUCCESS, "done", null);
            return null;
        });
        Task stored = transactions.run(sql -> tasks.find(sql, id)).orElseThrow();
        assertEquals(TaskStatus.COMPLETED, stored.status());
        assertEquals(TaskResult.SUCCESS, stored.result());
        assertTrue(stored.completedAt() != null, "completed_at is set with the completion");
    }

    @Test
    void theReadAheadFollowsTheTransactionsOwnWrites() {
        ComposeId compose = newCompose();
        TaskId dep = new TaskId(compose + ":dep:amd64");
        TaskId waiter = new TaskId(compose + ":waiter:amd64");
        String key = "key-" + dep;
        transactions.run(sql -> {
            composes.lockOrCreate(sql, compose);
            tasks.insert(sql, task(compose, dep, key));
            tasks.insert(sql, task(compose, waiter, "key-" + waiter));
            tasks.addDependencies(sql, waiter, List.of(dep, new TaskId(compose + ":not-yet:amd64")));
            return null;
        });
        transactions.run(sql -> {
            composes.lockAll(sql, List.of(compose));
            tasks.prefetch(sql, List.of(dep, waiter));
            tasks.prefetchDependencies(sql, List.of(waiter));
            attempts.prefetchContentKeys(sql, List.of(key));
            assertEquals(TaskStatus.BLOCKED, tasks.find(sql, dep).orElseThrow().status());
            assertTrue(attempts.contentKey(sql, key, waiter).buildingTask().isEmpty());

            // dep is dispatched in this transaction: the read-ahead says so without a query
            tasks.setState(sql, dep, TaskStatus.RUNNING, null, "attempt 1", null, 1);
            attempts.noteRunning(sql, key, dep);
            assertEquals(TaskStatus.RUNNING, tasks.find(sql, dep).orElseThrow().status());
            assertEquals(dep, attempts.contentKey(sql, key, waiter).buildingTask().orElseThrow());
            assertTrue(attempts.contentKey(sql, key, dep).buildingTask().isEmpty(), "a task is not its own twin");
            Map<TaskId, TaskStatus> states = new java.util.HashMap<>();
            tasks.dependencies(sql, waiter).forEach(d -> states.put(d.taskId(), d.status()));
            assertEquals(TaskStatus.RUNNING, states.get(dep));
            assertEquals(null, states.get(new TaskId(compose + ":not-yet:amd64")), "not received yet");

            // dep completes: its content key is read again, now from the database
            attempts.dispatched(sql, dep, 1, null, Instant.now().plusSeconds(60));
            attempts.recordResult(sql, dep, 1, "success", new ExecutorId("ex"), new BuildrootId("br"), null, null, 1, true, "done");
            tasks.setState(sql, dep, TaskStatus.COMPLETED, TaskResult.SUCCESS, "built", null);
            attempts.forgetContentKey(sql, key);
            AttemptRepository.ContentKey now = attempts.contentKey(sql, key, waiter);
            assertTrue(now.buildingTask().isEmpty());
            assertEquals(dep, now.reusable().orElseThrow().taskId());
            assertEquals(TaskResult.SUCCESS, tasks.dependencies(sql, waiter).get(0).result());
            return null;
        });
    }

    /**
     * The results of a batch of package-built are written together: each attempt gets its
     * own result, its own buildroot expiry reason and its own artifacts, an attempt that had
     * already ended keeps its end, and reading an attempt in the same transaction sees its result.
     */
    @Test
    void resultsAndArtifactsOfSeveralAttemptsAreWrittenTogetherEachToItsOwnRows() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = new TaskId(compose + ":a:amd64");
        TaskId b = new TaskId(compose + ":b:amd64");
        transactions.run(sql -> {
            composes.lockOrCreate(sql, compose);
            for (TaskId id : List.of(a, b)) {
                tasks.insert(sql, task(compose, id, "key-" + id));
                attempts.dispatched(sql, id, 1, null, Instant.now().plusSeconds(60));
                attempts.addBuildroot(sql, new BuildrootId("br-" + id), id, 1, new ExecutorId("ex"), "amd64", "base", "[]", null);
            }
            attempts.end(sql, b, 1, "superseded by attempt 2", "its attempt was superseded");
            return null;
        });
        Attempt seen = transactions.run(sql -> {
            composes.lockAll(sql, List.of(compose));
            attempts.recordResult(sql, a, 1, "success", new ExecutorId("ex"), new BuildrootId("br-" + a), "file:///logs/a", null, 10, true,
                    "package-built success");
            attempts.addArtifacts(sql, a, 1, List.of(new ArtifactRef(Fixtures.sha("a.deb"), ArtifactRef.BINARY_PACKAGE, "a_1_amd64.deb",
                    100, "file:///a.deb")));
            attempts.recordResult(sql, b, 1, "failure", new ExecutorId("ex"), new BuildrootId("br-" + b), "file:///logs/b", "error: 2", 20, false,
                    "package-built failure (late, not applied)");
            attempts.addArtifacts(sql, b, 1, List.of(new ArtifactRef(Fixtures.sha("b.deb"), ArtifactRef.BINARY_PACKAGE, "b_1_amd64.deb",
                    200, "file:///b.deb")));
            return attempts.find(sql, a, 1).orElseThrow();
        });
        assertEquals("success", seen.result(), "the transaction reads its own deferred result");

        Map<String, Object> first = Fixtures.rows("select result, applied, end_reason, log_location, duration_ms"
                + " from attempt where task_id = ?", a.value()).get(0);
        assertEquals(Map.of("result", "success", "applied", true, "end_reason", "success",
                "log_location", "file:///logs/a", "duration_ms", 10L), first);
        Map<String, Object> second = Fixtures.rows("select result, applied, end_reason from attempt where task_id = ?",
                b.value()).get(0);
        assertEquals(Map.of("result", "failure", "applied", false, "end_reason", "superseded by attempt 2"), second,
                "a late result is recorded; the attempt keeps the end it had");
        assertEquals("package-built success", Fixtures.rows("select expired_reason from buildroot where task_id = ?",
                a.value()).get(0).get("expired_reason"));
        assertEquals("its attempt was superseded", Fixtures.rows(
                "select expired_reason from buildroot where task_id = ?", b.value()).get(0).get("expired_reason"),
                "a buildroot already expired keeps its reason");
        assertEquals(List.of(Map.of("task_id", a.value(), "name", "a_1_amd64.deb"), Map.of("task_id", b.value(), "name",
                "b_1_amd64.deb")), Fixtures.rows("select task_id, name from artifact where task_id in (?, ?)"
                        + " order by task_id", a.value(), b.value()));
    }

    @Test
    void aDeferredWriteThatFailsIsReportedAsOneWithItsSqlState() {
        ComposeId compose = newCompose();
        RuntimeException failed = assertThrows(RuntimeException.class, () -> transactions.run(sql -> {
            composes.lockOrCreate(sql, compose);
            // an attempt of a task that does not exist: the foreign key refuses it when it is written
            attempts.dispatched(sql, new TaskId(compose + ":ghost:amd64"), 1, null, Instant.now().plusSeconds(60));
            try {
                sql.count("select count(*) from task where compose_id = ?", compose);
            } catch (Sql.DeferredWriteFailed e) {
                assertEquals("23503", e.getSQLState(), "foreign key violation");
                throw e;
            }
            return null;
        }));
        Throwable cause = failed.getCause();
        assertInstanceOf(Sql.DeferredWriteFailed.class, cause);
        assertFalse(transactions.run(sql -> sql.count("select count(*) from attempt where task_id = ?",
                compose + ":ghost:amd64")) > 0, "nothing of the failed transaction is kept");
    }

    private static ComposeId newCompose() {
        return Fixtures.newCompose();
    }

    private static Task task(ComposeId compose, TaskId id, String contentKey) {
        return new Task(new TaskSpec(id, compose, id.value().split(":")[1], "1.0-1", "amd64", "trixie", null, null,
                "any", null, "{}", contentKey), TaskState.NEW);
    }
}
