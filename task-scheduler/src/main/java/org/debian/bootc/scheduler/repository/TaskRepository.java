package org.debian.bootc.scheduler.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.TaskSpec;
import org.debian.bootc.scheduler.TaskState;

/** Tasks and their dependency edges. */
@ApplicationScoped
public class TaskRepository {

    static final String COLUMNS = "task_id, compose_id, source, version, architecture, suite, archive, "
            + "in_release_sha256, build_type, build_profile, source_package, content_key, status, result, reason, "
            + "current_attempt, not_before, created_at, updated_at, completed_at";

    /** One dependency of a task, with the dependency's state; status is null when it was not received yet. */
    public record Dependency(TaskId taskId, TaskStatus status, TaskResult result) {
    }

    /** A filter for listing; null fields match everything. */
    public record Filter(ComposeId composeId, TaskStatus status, String architecture) {
    }

    /**
     * Inserts a new task in {@code status}. Returns false (and changes nothing) when the task id
     * or its natural key (compose, source, architecture) is already there: a duplicate.
     */
    public boolean insert(Sql sql, Task t) throws SQLException {
        return sql.update("""
                insert into task (task_id, compose_id, source, version, architecture, suite, archive, in_release_sha256,
                    build_type, build_profile, source_package, content_key, status, reason)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict do nothing""", t.taskId(), t.composeId(), t.source(), t.version(), t.architecture(),
                t.suite(), t.archive(), t.inReleaseSha256(), t.buildType(), t.buildProfile(), t.sourcePackage(),
                t.contentKey(), t.status().wireName(), t.reason()) == 1
                && written(sql, t.taskId(), t.status(), null);
    }

    private static boolean written(Sql sql, TaskId taskId, TaskStatus status, TaskResult result) {
        sql.readAhead().taskWritten(taskId, status, result);
        return true;
    }

    /**
     * Inserts new tasks with one multi-row insert, as {@link #insert} does one by one.
     * Returns the ids of those inserted; the others were duplicates (task id or natural key).
     */
    public java.util.Set<TaskId> insertAll(Sql sql, List<Task> all) throws SQLException {
        java.util.Set<TaskId> inserted = new java.util.HashSet<>();
        sql.insertRows("""
                insert into task (task_id, compose_id, source, version, architecture, suite, archive, in_release_sha256,
                    build_type, build_profile, source_package, content_key, status, reason) values""",
                "on conflict do nothing", all.stream().map(t -> new Object[] { t.taskId(), t.composeId(), t.source(),
                        t.version(), t.architecture(), t.suite(), t.archive(), t.inReleaseSha256(), t.buildType(),
                        t.buildProfile(), t.sourcePackage(), t.contentKey(), t.status().wireName(), t.reason() })
                        .toList(), "task_id").forEach(id -> inserted.add(new TaskId(id)));
        for (Task t : all) {
            if (inserted.contains(t.taskId())) {
                written(sql, t.taskId(), t.status(), null);
            }
        }
        return inserted;
    }

    /**
     * The edges of a new task. Written with the transaction's next statement (one insert for
     * all the edges deferred until then); meanwhile {@link #dependencies} answers from them.
     */
    public void addDependencies(Sql sql, TaskId taskId, List<TaskId> waitsFor) throws SQLException {
        for (TaskId dep : waitsFor) {
            sql.deferRow("insert into task_dep (task_id, waits_for) values", "(?, ?)", "on conflict do nothing",
                    new Object[] { taskId, dep });
        }
        sql.readAhead().waitsFor.put(taskId, List.copyOf(waitsFor));
    }

    public Optional<Task> find(Sql sql, TaskId taskId) throws SQLException {
        Task known = sql.readAhead().tasks.get(taskId);
        if (known != null) {
            return Optional.of(known);
        }
        return sql.one("select " + COLUMNS + " from task where task_id = ?", TaskRepository::map, taskId);
    }

    /** Reads the rows of {@code taskIds} in one query for the rest of the transaction (composes locked). */
    public void prefetch(Sql sql, java.util.Collection<TaskId> taskIds) throws SQLException {
        if (taskIds.isEmpty()) {
            return;
        }
        ReadAhead ahead = sql.readAhead();
        for (Task t : sql.list("select " + COLUMNS + " from task where task_id = any (?)", TaskRepository::map,
                taskIds)) {
            ahead.tasks.put(t.taskId(), t);
            ahead.states.put(t.taskId(), new ReadAhead.State(t.status(), t.result()));
        }
    }

    /**
     * Reads the states of {@code taskIds} in one query (those not received yet are
     * remembered as such), for {@link #dependencies} of tasks that wait for them.
     */
    public void prefetchStates(Sql sql, java.util.Collection<TaskId> taskIds) throws SQLException {
        ReadAhead ahead = sql.readAhead();
        List<TaskId> wanted = taskIds.stream().distinct().filter(id -> !ahead.states.containsKey(id)).toList();
        if (wanted.isEmpty()) {
            return;
        }
        for (TaskId id : wanted) {
            ahead.states.put(id, ReadAhead.State.ABSENT);
        }
        sql.list("select task_id, status, result from task where task_id = any (?)", rs -> {
            ahead.states.put(new TaskId(rs.getString(1)), new ReadAhead.State(status(rs.getString(2)), result(rs.getString(3))));
            return null;
        }, wanted);
    }

    /**
     * Reads what {@code taskIds} wait for, with those tasks' states, in one query
     * (composes locked: no edge of theirs changes but by this transaction).
     */
    public void prefetchDependencies(Sql sql, java.util.Collection<TaskId> taskIds) throws SQLException {
        if (taskIds.isEmpty()) {
            return;
        }
        ReadAhead ahead = sql.readAhead();
        java.util.Map<TaskId, List<TaskId>> edges = new java.util.HashMap<>();
        for (TaskId id : taskIds) {
            edges.put(id, new ArrayList<>());
        }
        sql.list("""
                select d.task_id, d.waits_for, t.status, t.result from task_dep d left join task t on t.task_id = d.waits_for
                where d.task_id = any (?)""", rs -> {
            TaskId waitsFor = new TaskId(rs.getString(2));
            edges.get(new TaskId(rs.getString(1))).add(waitsFor);
            ahead.states.put(waitsFor, new ReadAhead.State(status(rs.getString(3)), result(rs.getString(4))));
            return null;
        }, taskIds);
        ahead.waitsFor.putAll(edges);
    }

    public List<Task> ofCompose(Sql sql, ComposeId composeId) throws SQLException {
        return sql.list("select " + COLUMNS + " from task where compose_id = ? order by created_at, task_id",
                TaskRepository::map, composeId);
    }

    public List<Task> list(Sql sql, Filter filter, int limit) throws SQLException {
        StringBuilder where = new StringBuilder(" where true");
        List<Object> args = new ArrayList<>();
        if (filter.composeId() != null) {
            where.append(" and compose_id = ?");
            args.add(filter.composeId());
        }
        if (filter.status() != null) {
            where.append(" and status = ?");
            args.add(filter.status().wireName());
        }
        if (filter.architecture() != null) {
            where.append(" and architecture = ?");
            args.add(filter.architecture());
        }
        args.add(limit);
        return sql.list("select " + COLUMNS + " from task" + where + " order by created_at, task_id limit ?",
                TaskRepository::map, args.toArray());
    }

    public List<Dependency> dependencies(Sql sql, TaskId taskId) throws SQLException {
        ReadAhead ahead = sql.readAhead();
        List<TaskId> edges = ahead.waitsFor.get(taskId);
        if (edges != null && edges.stream().allMatch(ahead.states::containsKey)) {
            return edges.stream().sorted(java.util.Comparator.comparing(TaskId::value)).distinct().map(id -> {
                ReadAhead.State state = ahead.states.get(id);
                return new Dependency(id, state.status(), state.result());
            }).toList();
        }
        return sql.list("""
                select d.waits_for, t.status, t.result from task_dep d left join task t on t.task_id = d.waits_for
                where d.task_id = ? order by d.waits_for""",
                rs -> new Dependency(new TaskId(rs.getString(1)), status(rs.getString(2)), result(rs.getString(3))), taskId);
    }

    /** Tasks that wait for {@code taskId}. */
    public List<TaskId> dependents(Sql sql, TaskId taskId) throws SQLException {
        List<TaskId> known = sql.dependents().get(taskId);
        if (known != null) {
            return known;
        }
        return sql.list("select task_id from task_dep where waits_for = ? order by task_id", rs -> Sql.taskId(rs, "task_id"),
                taskId);
    }

    /**
     * Reads the dependents of {@code taskIds} in one query for the rest of the transaction;
     * only while their composes are locked, so no edge can be added meanwhile.
     */
    public void prefetchDependents(Sql sql, List<TaskId> taskIds) throws SQLException {
        java.util.Map<TaskId, List<TaskId>> byTask = new java.util.HashMap<>();
        for (TaskId id : taskIds) {
            byTask.put(id, new ArrayList<>());
        }
        sql.list("select waits_for, task_id from task_dep where waits_for = any (?) order by task_id", rs -> {
            byTask.get(new TaskId(rs.getString(1))).add(new TaskId(rs.getString(2)));
            return null;
        }, taskIds);
        sql.dependents().putAll(byTask);
    }

    /**
     * A task's new state. Written with the transaction's next statement, in one update with
     * every other task state deferred until then; {@link #find} reads it from the database
     * again, {@link #dependencies} knows it at once.
     */
    public void setState(Sql sql, TaskId taskId, TaskStatus status, TaskResult result, String reason,
            Instant notBefore) throws SQLException {
        setState(sql, taskId, status, result, reason, notBefore, null);
    }

    /** As {@link #setState}, and the current attempt. */
    public void setState(Sql sql, TaskId taskId, TaskStatus status, TaskResult result, String reason,
            Instant notBefore, Integer currentAttempt) throws SQLException {
        sql.deferTaskUpdate(taskId, status.wireName(), result == null ? null : result.wireName(), reason, notBefore,
                status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED, currentAttempt);
        written(sql, taskId, status, result);
    }

    public void setCurrentAttempt(Sql sql, TaskId taskId, int attempt) throws SQLException {
        sql.update("update task set current_attempt = ? where task_id = ?", attempt, taskId);
        sql.readAhead().tasks.remove(taskId);
    }

    /** Pending tasks that may be dispatched now: due, of a served architecture, of a planned compose not cancelled. */
    public List<TaskId> dispatchable(Sql sql, List<String> servedArchitectures, int limit) throws SQLException {
        return sql.list("""
                select t.task_id from task t join compose c on c.compose_id = t.compose_id
                where t.status = 'pending' and (t.not_before is null or t.not_before <= now())
                  and t.architecture = any (?) and c.expected_tasks is not null and c.cancelled_at is null
                order by t.created_at limit ?""", rs -> Sql.taskId(rs, "task_id"), servedArchitectures, limit);
    }

    /** Pending tasks whose architecture no executor serves and that do not say so yet. */
    public List<TaskId> unservedWithoutReason(Sql sql, List<String> servedArchitectures, int limit)
            throws SQLException {
        return sql.list("""
                select t.task_id from task t join compose c on c.compose_id = t.compose_id
                where t.status = 'pending' and not (t.architecture = any (?))
                  and (t.not_before is null or t.not_before <= now())
                  and c.expected_tasks is not null and c.cancelled_at is null
                  and (t.reason is null or t.reason not like 'no executor serves %')
                order by t.created_at limit ?""", rs -> Sql.taskId(rs, "task_id"), servedArchitectures, limit);
    }

    static Task map(ResultSet rs) throws SQLException {
        TaskSpec spec = new TaskSpec(Sql.taskId(rs, "task_id"), Sql.composeId(rs, "compose_id"),
                rs.getString("source"), rs.getString("version"), rs.getString("architecture"), rs.getString("suite"),
                rs.getString("archive"), rs.getString("in_release_sha256"), rs.getString("build_type"),
                rs.getString("build_profile"), rs.getString("source_package"), rs.getString("content_key"));
        TaskState state = new TaskState(status(rs.getString("status")), result(rs.getString("result")),
                rs.getString("reason"), rs.getInt("current_attempt"), Sql.instant(rs, "not_before"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), Sql.instant(rs, "completed_at"));
        return new Task(spec, state);
    }

    static TaskStatus status(String wire) {
        return wire == null ? null : TaskStatus.fromWireName(wire);
    }

    static TaskResult result(String wire) {
        return wire == null ? null : TaskResult.fromWireName(wire);
    }
}
