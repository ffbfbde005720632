package org.debian.bootc.scheduler.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.Task;

/** Tasks and their dependency edges. */
@ApplicationScoped
public class TaskRepository {

    static final String COLUMNS = "task_id, compose_id, source, version, architecture, suite, archive, "
            + "in_release_sha256, build_type, build_profile, source_package, content_key, status, result, reason, "
            + "current_attempt, not_before, created_at, updated_at, completed_at";

    /** One dependency of a task, with the dependency's state; status is null when it was not received yet. */
    public record Dependency(String taskId, TaskStatus status, TaskResult result) {
    }

    /** A filter for listing; null fields match everything. */
    public record Filter(String composeId, TaskStatus status, String architecture) {
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
                t.contentKey(), t.status().wireName(), t.reason()) == 1;
    }

    /**
     * Inserts new tasks with one multi-row insert, as {@link #insert} does one by one.
     * Returns the ids of those inserted; the others were duplicates (task id or natural key).
     */
    public java.util.Set<String> insertAll(Sql sql, List<Task> all) throws SQLException {
        return new java.util.HashSet<>(sql.insertRows("""
                insert into task (task_id, compose_id, source, version, architecture, suite, archive, in_release_sha256,
                    build_type, build_profile, source_package, content_key, status, reason) values""",
                "on conflict do nothing", all.stream().map(t -> new Object[] { t.taskId(), t.composeId(), t.source(),
                        t.version(), t.architecture(), t.suite(), t.archive(), t.inReleaseSha256(), t.buildType(),
                        t.buildProfile(), t.sourcePackage(), t.contentKey(), t.status().wireName(), t.reason() })
                        .toList(), "task_id"));
    }

    public void addDependencies(Sql sql, String taskId, List<String> waitsFor) throws SQLException {
        sql.insertRows("insert into task_dep (task_id, waits_for) values", "on conflict do nothing",
                waitsFor.stream().map(dep -> new Object[] { taskId, dep }).toList());
    }

    public Optional<Task> find(Sql sql, String taskId) throws SQLException {
        return sql.one("select " + COLUMNS + " from task where task_id = ?", TaskRepository::map, taskId);
    }

    public List<Task> ofCompose(Sql sql, String composeId) throws SQLException {
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

    public List<Dependency> dependencies(Sql sql, String taskId) throws SQLException {
        return sql.list("""
                select d.waits_for, t.status, t.result from task_dep d left join task t on t.task_id = d.waits_for
                where d.task_id = ? order by d.waits_for""",
                rs -> new Dependency(rs.getString(1), status(rs.getString(2)), result(rs.getString(3))), taskId);
    }

    /** Tasks that wait for {@code taskId}. */
    public List<String> dependents(Sql sql, String taskId) throws SQLException {
        List<String> known = sql.dependents().get(taskId);
        if (known != null) {
            return known;
        }
        return sql.list("select task_id from task_dep where waits_for = ? order by task_id", rs -> rs.getString(1),
                taskId);
    }

    /**
     * Reads the dependents of {@code taskIds} in one query for the rest of the transaction;
     * only while their composes are locked, so no edge can be added meanwhile.
     */
    public void prefetchDependents(Sql sql, List<String> taskIds) throws SQLException {
        java.util.Map<String, List<String>> byTask = new java.util.HashMap<>();
        for (String id : taskIds) {
            byTask.put(id, new ArrayList<>());
        }
        sql.list("select waits_for, task_id from task_dep where waits_for = any (?) order by task_id", rs -> {
            byTask.get(rs.getString(1)).add(rs.getString(2));
            return null;
        }, taskIds);
        sql.dependents().putAll(byTask);
    }

    public void setState(Sql sql, String taskId, TaskStatus status, TaskResult result, String reason,
            Instant notBefore) throws SQLException {
        sql.update("""
                update task set status = ?, result = ?, reason = ?, not_before = ?, updated_at = now(),
                    completed_at = case when ? then now() else null end
                where task_id = ?""", status.wireName(), result == null ? null : result.wireName(), reason, notBefore,
                status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED, taskId);
    }

    /** As {@link #setState}, and the current attempt, in one statement. */
    public void setState(Sql sql, String taskId, TaskStatus status, TaskResult result, String reason,
            Instant notBefore, int currentAttempt) throws SQLException {
        sql.update("""
                update task set status = ?, result = ?, reason = ?, not_before = ?, updated_at = now(),
                    completed_at = case when ? then now() else null end, current_attempt = ?
                where task_id = ?""", status.wireName(), result == null ? null : result.wireName(), reason, notBefore,
                status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED, currentAttempt, taskId);
    }

    public void setCurrentAttempt(Sql sql, String taskId, int attempt) throws SQLException {
        sql.update("update task set current_attempt = ? where task_id = ?", attempt, taskId);
    }

    /** Pending tasks that may be dispatched now: due, of a served architecture, of a planned compose not cancelled. */
    public List<String> dispatchable(Sql sql, List<String> servedArchitectures, int limit) throws SQLException {
        return sql.list("""
                select t.task_id from task t join compose c on c.compose_id = t.compose_id
                where t.status = 'pending' and (t.not_before is null or t.not_before <= now())
                  and t.architecture = any (?) and c.expected_tasks is not null and c.cancelled_at is null
                order by t.created_at limit ?""", rs -> rs.getString(1), servedArchitectures, limit);
    }

    /** Pending tasks whose architecture no executor serves and that do not say so yet. */
    public List<String> unservedWithoutReason(Sql sql, List<String> servedArchitectures, int limit)
            throws SQLException {
        return sql.list("""
                select t.task_id from task t join compose c on c.compose_id = t.compose_id
                where t.status = 'pending' and not (t.architecture = any (?))
                  and (t.not_before is null or t.not_before <= now())
                  and c.expected_tasks is not null and c.cancelled_at is null
                  and (t.reason is null or t.reason not like 'no executor serves %')
                order by t.created_at limit ?""", rs -> rs.getString(1), servedArchitectures, limit);
    }

    static Task map(ResultSet rs) throws SQLException {
        return new Task(rs.getString("task_id"), rs.getString("compose_id"), rs.getString("source"),
                rs.getString("version"), rs.getString("architecture"), rs.getString("suite"), rs.getString("archive"),
                rs.getString("in_release_sha256"), rs.getString("build_type"), rs.getString("build_profile"),
                rs.getString("source_package"), rs.getString("content_key"), status(rs.getString("status")),
                result(rs.getString("result")), rs.getString("reason"), rs.getInt("current_attempt"),
                Sql.instant(rs, "not_before"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                Sql.instant(rs, "completed_at"));
    }

    static TaskStatus status(String wire) {
        return wire == null ? null : TaskStatus.fromWireName(wire);
    }

    static TaskResult result(String wire) {
        return wire == null ? null : TaskResult.fromWireName(wire);
    }
}
