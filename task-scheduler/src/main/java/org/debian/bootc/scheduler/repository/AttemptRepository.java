package org.debian.bootc.scheduler.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.scheduler.Attempt;

/** Attempts of tasks, with the artifacts and buildroots they produced. */
@ApplicationScoped
public class AttemptRepository {

    private static final String COLUMNS = "task_id, attempt, supersedes, executor_id, lease_expires_at, dispatched_at, "
            + "buildroot_id, result, log_location, log_tail, duration_ms, applied, ended_at, end_reason, reused_task_id, "
            + "reused_attempt";

    /**
     * A buildroot as recorded from chroot-ready, with its state: {@code building} while its
     * attempt runs, {@code expired} (when and why) once the attempt has ended.
     */
    public record Buildroot(BuildrootId buildrootId, TaskId taskId, int attempt, ExecutorId executorId,
            String architecture, String baseKey, String installed, Instant createdAt, String state, Instant expiredAt,
            String expiredReason) {
    }

    /**
     * Expires the buildroots still building of the attempts a data-modifying CTE named
     * {@code ended} returns (columns task_id, attempt, buildroot_reason): the attempt's end
     * and its buildroots' expiry are one statement, one round trip.
     */
    private static final String EXPIRE_ENDED = """
            update buildroot b set state = 'expired', expired_at = now(), expired_reason = e.buildroot_reason
            from ended e where b.task_id = e.task_id and b.attempt = e.attempt and b.state = 'building'""";

    /** An attempt of a running task whose lease ran out. */
    public record Expired(TaskId taskId, ComposeId composeId, int attempt) {
    }

    /**
     * A new attempt, dispatched now. Written with the transaction's next statement, in one
     * insert with the other attempts dispatched until then.
     */
    public void dispatched(Sql sql, TaskId taskId, int attempt, Integer supersedes, Instant leaseExpiresAt)
            throws SQLException {
        sql.deferRow("insert into attempt (task_id, attempt, supersedes, lease_expires_at, dispatched_at) values",
                "(?, ?, ?::integer, ?::timestamptz, now())", "", new Object[] { taskId, attempt, supersedes,
                        leaseExpiresAt });
    }

    /** An attempt satisfied without a build: the artifacts of {@code from} are taken over. */
    public void reused(Sql sql, TaskId taskId, int attempt, Integer supersedes, Attempt from) throws SQLException {
        sql.update("""
                insert into attempt (task_id, attempt, supersedes, result, log_location, applied, ended_at, end_reason,
                    reused_task_id, reused_attempt)
                values (?, ?, ?::integer, 'success', ?, true, now(), 'reused', ?, ?)""", taskId, attempt, supersedes,
                from.logLocation(), from.taskId(), from.attempt());
        sql.update("""
                insert into artifact (task_id, attempt, sha256, category, name, size, location)
                select ?, ?, sha256, category, name, size, location from artifact where task_id = ? and attempt = ?""",
                taskId, attempt, from.taskId(), from.attempt());
    }

    public Optional<Attempt> find(Sql sql, TaskId taskId, int attempt) throws SQLException {
        Attempt known = sql.readAhead().attempts.get(ReadAhead.attemptKey(taskId, attempt));
        if (known != null) {
            return Optional.of(known);
        }
        return sql.one("select " + COLUMNS + " from attempt where task_id = ? and attempt = ?", AttemptRepository::map,
                taskId, attempt);
    }

    public List<Attempt> ofTask(Sql sql, TaskId taskId) throws SQLException {
        return sql.list("select " + COLUMNS + " from attempt where task_id = ? order by attempt", AttemptRepository::map,
                taskId);
    }

    /**
     * What other tasks with this content key say, in one round trip: their oldest
     * successful applied attempt (its artifacts are reused) and the oldest of them
     * running now (its result will be).
     */
    public record ContentKey(Optional<Attempt> reusable, Optional<TaskId> buildingTask) {
    }

    public ContentKey contentKey(Sql sql, String contentKey, TaskId exceptTaskId) throws SQLException {
        ReadAhead.KeyState known = sql.readAhead().contentKeys.get(contentKey);
        if (known == null) {
            prefetchContentKeys(sql, List.of(contentKey));
            known = sql.readAhead().contentKeys.get(contentKey);
        }
        return new ContentKey(known.successes.stream().filter(a -> !a.taskId().equals(exceptTaskId)).findFirst(),
                known.running.stream().filter(id -> !id.equals(exceptTaskId)).findFirst());
    }

    /**
     * Reads what the tasks of {@code contentKeys} say for {@link #contentKey}, for the rest of
     * the transaction: the tasks of those keys through the content-key index, then the
     * successful attempts of those that have any attempt, by task id. (One join of the two
     * tables let PostgreSQL scan every attempt once the table had grown; a new content key,
     * the common case, now costs one index probe.) The scheduler keeps them true to its own
     * changes ({@link #noteRunning}, {@link #forgetContentKey}).
     */
    public void prefetchContentKeys(Sql sql, java.util.Collection<String> contentKeys) throws SQLException {
        java.util.Map<String, ReadAhead.KeyState> known = sql.readAhead().contentKeys;
        List<String> wanted = contentKeys.stream().distinct().filter(k -> !known.containsKey(k)).toList();
        if (wanted.isEmpty()) {
            return;
        }
        java.util.Map<String, ReadAhead.KeyState> read = new java.util.HashMap<>();
        for (String key : wanted) {
            read.put(key, new ReadAhead.KeyState());
        }
        java.util.Map<TaskId, String> keyOfTried = new java.util.HashMap<>(); // tasks with an attempt, and their key
        sql.list("""
                select content_key, task_id, status, current_attempt from task where content_key = any (?)
                order by created_at, task_id""", rs -> {
            String key = rs.getString(1);
            TaskId taskId = new TaskId(rs.getString(2));
            if ("running".equals(rs.getString(3))) {
                read.get(key).running.add(taskId);
            }
            if (rs.getInt(4) > 0) { // attempts are numbered from 1; a task with none has current_attempt 0
                keyOfTried.put(taskId, key);
            }
            return null;
        }, wanted);
        if (!keyOfTried.isEmpty()) {
            sql.list("select " + COLUMNS + " from attempt where task_id = any (?) and result = 'success' and applied"
                    + " order by created_at, task_id", rs -> {
                        Attempt a = AttemptRepository.map(rs);
                        read.get(keyOfTried.get(a.taskId())).successes.add(a);
                        return null;
                    }, keyOfTried.keySet());
        }
        known.putAll(read);
    }

    /** A task of {@code contentKey} was dispatched in this transaction: it is building that key now. */
    public void noteRunning(Sql sql, String contentKey, TaskId taskId) {
        ReadAhead.KeyState known = sql.readAhead().contentKeys.get(contentKey);
        if (known != null && !known.running.contains(taskId)) {
            known.running.add(taskId);
        }
    }

    /** A task of {@code contentKey} stopped running or completed: read the key again when next asked. */
    public void forgetContentKey(Sql sql, String contentKey) {
        sql.readAhead().contentKeys.remove(contentKey);
    }

    /** Reads the attempts {@code keys} (task id, attempt) in one query for the rest of the transaction. */
    public void prefetch(Sql sql, java.util.Map<TaskId, Integer> attemptsByTask) throws SQLException {
        if (attemptsByTask.isEmpty()) {
            return;
        }
        List<TaskId> ids = new java.util.ArrayList<>(attemptsByTask.keySet());
        List<String> numbers = ids.stream().map(id -> String.valueOf(attemptsByTask.get(id))).toList();
        java.util.Map<String, Attempt> known = sql.readAhead().attempts;
        sql.list("select " + COLUMNS + " from attempt where (task_id, attempt) in "
                + "(select * from unnest(?::text[], ?::int[]))", rs -> {
                    Attempt a = AttemptRepository.map(rs);
                    known.put(ReadAhead.attemptKey(a.taskId(), a.attempt()), a);
                    return null;
                }, ids, numbers);
    }

    private static void written(Sql sql, TaskId taskId, int attempt) {
        sql.readAhead().attempts.remove(ReadAhead.attemptKey(taskId, attempt));
    }

    /**
     * Records the end of an attempt as the executor reported it, and expires its buildroots
     * still building with {@code buildrootReason}. Written with the transaction's next
     * statement, in one statement with the other results recorded until then (a batch of
     * {@code package-built} brings hundreds); a later read of this attempt runs that
     * statement first. A buildroot already expired (the attempt was superseded or cancelled
     * before) keeps its reason.
     */
    public void recordResult(Sql sql, TaskId taskId, int attempt, String result, ExecutorId executorId,
            BuildrootId buildrootId, String logLocation, String logTail, long durationMillis, boolean applied,
            String buildrootReason) {
        sql.deferRow(RESULT_HEAD, RESULT_GROUP, RESULT_TAIL, new Object[] { taskId, attempt, result, executorId,
                buildrootId, logLocation, logTail, durationMillis, applied, buildrootReason });
        written(sql, taskId, attempt);
    }

    private static final String RESULT_HEAD = """
            with ended as (
                update attempt a set result = v.result, executor_id = coalesce(a.executor_id, v.executor_id),
                    buildroot_id = coalesce(a.buildroot_id, v.buildroot_id), log_location = v.log_location,
                    log_tail = v.log_tail, duration_ms = v.duration_ms, applied = v.applied,
                    ended_at = coalesce(a.ended_at, now()), end_reason = coalesce(a.end_reason, v.result)
                from (values""";
    private static final String RESULT_GROUP =
            "(?::text, ?::integer, ?::text, ?::text, ?::text, ?::text, ?::text, ?::bigint, ?::boolean, ?::text)";
    private static final String RESULT_TAIL = """
                ) v(task_id, attempt, result, executor_id, buildroot_id, log_location, log_tail, duration_ms, applied,
                    buildroot_reason)
                where a.task_id = v.task_id and a.attempt = v.attempt
                returning a.task_id, a.attempt, v.buildroot_reason)
            """ + EXPIRE_ENDED;

    /**
     * Ends an attempt that will not be applied (superseded, cancelled) and expires its
     * buildroots with {@code buildrootReason}, in one statement.
     */
    public void end(Sql sql, TaskId taskId, int attempt, String reason, String buildrootReason) throws SQLException {
        sql.update("""
                with ended as (
                    update attempt set ended_at = now(), end_reason = ?
                    where task_id = ? and attempt = ? and ended_at is null
                    returning task_id, attempt, ?::text as buildroot_reason)
                """ + EXPIRE_ENDED, reason, taskId, attempt, buildrootReason);
        written(sql, taskId, attempt);
    }

    /** The artifacts of an attempt; written with the transaction's next statement, with those of other attempts. */
    public void addArtifacts(Sql sql, TaskId taskId, int attempt, List<ArtifactRef> artifacts) {
        for (ArtifactRef a : artifacts) {
            sql.deferRow("insert into artifact (task_id, attempt, sha256, category, name, size, location) values",
                    "(?, ?, ?, ?, ?, ?, ?)", "on conflict do nothing",
                    new Object[] { taskId, attempt, a.sha256(), a.category(), a.name(), a.size(), a.location() });
        }
    }

    public List<ArtifactRef> artifacts(Sql sql, TaskId taskId, int attempt) throws SQLException {
        return sql.list("""
                select sha256, category, name, size, location from artifact where task_id = ? and attempt = ?
                order by name""", rs -> new ArtifactRef(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getLong(4), rs.getString(5)), taskId, attempt);
    }

    /**
     * Records a buildroot, {@code building}; or, when {@code expiredReason} is not null (its
     * attempt had already ended when chroot-ready arrived), directly {@code expired}.
     */
    public boolean addBuildroot(Sql sql, BuildrootId buildrootId, TaskId taskId, int attempt, ExecutorId executorId,
            String architecture, String baseKey, String installedJson, String expiredReason) throws SQLException {
        boolean inserted = sql.update("""
                insert into buildroot (buildroot_id, task_id, attempt, executor_id, architecture, base_key, installed,
                    state, expired_at, expired_reason)
                values (?, ?, ?, ?, ?, ?, ?, case when ?::text is null then 'building' else 'expired' end,
                    case when ?::text is null then null else now() end, ?)
                on conflict do nothing""", buildrootId, taskId, attempt, executorId,
                architecture, baseKey, installedJson, expiredReason, expiredReason, expiredReason) == 1;
        sql.update("""
                update attempt set buildroot_id = ?, executor_id = coalesce(executor_id, ?)
                where task_id = ? and attempt = ?""", buildrootId, executorId, taskId, attempt);
        written(sql, taskId, attempt);
        return inserted;
    }

    public Optional<Buildroot> buildroot(Sql sql, BuildrootId buildrootId) throws SQLException {
        return sql.one("""
                select buildroot_id, task_id, attempt, executor_id, architecture, base_key, installed, created_at,
                    state, expired_at, expired_reason
                from buildroot where buildroot_id = ?""", rs -> new Buildroot(Sql.buildrootId(rs, "buildroot_id"),
                Sql.taskId(rs, "task_id"), rs.getInt(3), Sql.executorId(rs, "executor_id"), rs.getString(5),
                rs.getString(6), rs.getString(7),
                Sql.instant(rs, "created_at"), rs.getString("state"), Sql.instant(rs, "expired_at"),
                rs.getString("expired_reason")), buildrootId);
    }

    /**
     * Renews the leases of the current attempts of running tasks that {@code executorId}
     * reports running (and that no other executor holds). Returns how many were renewed.
     */
    public int renewLeases(Sql sql, ExecutorId executorId, List<TaskId> running, Instant leaseExpiresAt)
            throws SQLException {
        if (running.isEmpty()) {
            return 0;
        }
        sql.readAhead().attempts.clear();
        return sql.update("""
                update attempt a set lease_expires_at = ?, executor_id = coalesce(a.executor_id, ?)
                from task t
                where t.task_id = a.task_id and a.attempt = t.current_attempt and t.status = 'running'
                  and a.ended_at is null and a.task_id = any (?) and (a.executor_id is null or a.executor_id = ?)""",
                leaseExpiresAt, executorId, running, executorId);
    }

    /** Moves the lease of an attempt that is still open to {@code until}. */
    public int extendLease(Sql sql, TaskId taskId, int attempt, Instant until) throws SQLException {
        written(sql, taskId, attempt);
        return sql.update("update attempt set lease_expires_at = ? where task_id = ? and attempt = ? and ended_at is null",
                until, taskId, attempt);
    }

    /**
     * The open attempts whose lease has run out, oldest first. It names the predicate of the
     * partial index {@code attempt_lease} (open, dispatched), so each dispatch pass reads that
     * index instead of every attempt ever made.
     */
    static final String EXPIRED = """
            select a.task_id, t.compose_id, a.attempt from attempt a join task t on t.task_id = a.task_id
            where t.status = 'running' and a.attempt = t.current_attempt
              and a.ended_at is null and a.dispatched_at is not null and a.lease_expires_at < now()
            order by a.lease_expires_at limit ?""";

    public List<Expired> expired(Sql sql, int limit) throws SQLException {
        return sql.list(EXPIRED, rs -> new Expired(Sql.taskId(rs, "task_id"), Sql.composeId(rs, "compose_id"), rs.getInt(3)), limit);
    }

    static Attempt map(ResultSet rs) throws SQLException {
        long duration = rs.getLong("duration_ms");
        Long durationMillis = rs.wasNull() ? null : duration;
        return new Attempt(Sql.taskId(rs, "task_id"), rs.getInt("attempt"), Sql.integer(rs, "supersedes"),
                Sql.executorId(rs, "executor_id"), Sql.instant(rs, "lease_expires_at"), Sql.instant(rs, "dispatched_at"),
                Sql.buildrootId(rs, "buildroot_id"), rs.getString("result"), rs.getString("log_location"),
                rs.getString("log_tail"), durationMillis, rs.getBoolean("applied"), Sql.instant(rs, "ended_at"),
                rs.getString("end_reason"), Sql.taskId(rs, "reused_task_id"), Sql.integer(rs, "reused_attempt"));
    }
}
