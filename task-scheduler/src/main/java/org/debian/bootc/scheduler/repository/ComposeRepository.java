package org.debian.bootc.scheduler.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.scheduler.Compose;

/** The compose table. Every state change of a compose's tasks first locks the compose row. */
@ApplicationScoped
public class ComposeRepository {

    /** Composes are locked in the order of their ids as text, so two transactions cannot deadlock. */
    private static final java.util.Comparator<ComposeId> BY_ID = java.util.Comparator.comparing(ComposeId::value);

    private static final String COLUMNS = "compose_id, expected_count, planned_at, cancelled_at, cancelled_by, "
            + "cancel_reason, outcome, built_at, created_at, handoff_error";

    /** Creates the compose row if absent and locks it for the rest of the transaction. */
    public Compose lockOrCreate(Sql sql, ComposeId composeId) throws SQLException {
        Optional<Compose> known = lock(sql, composeId);
        if (known.isPresent()) {
            return known.get();
        }
        sql.update("insert into compose (compose_id) values (?) on conflict do nothing", composeId);
        return lock(sql, composeId).orElseThrow();
    }

    /**
     * Creates the compose rows that are absent and locks them all, in id order so two
     * transactions locking overlapping sets cannot deadlock. One round trip each, however
     * many inputs of the batch are about the same composes.
     */
    public void lockOrCreateAll(Sql sql, java.util.Collection<ComposeId> composeIds) throws SQLException {
        List<ComposeId> wanted = composeIds.stream().distinct().filter(id -> !sql.locked().containsKey(id))
                .sorted(BY_ID).toList();
        if (wanted.isEmpty()) {
            return;
        }
        sql.insertRows("insert into compose (compose_id) values", "on conflict do nothing",
                wanted.stream().map(id -> new Object[] { id }).toList());
        for (Compose c : sql.list("select " + COLUMNS + " from compose where compose_id = any (?) order by compose_id"
                + " for update", ComposeRepository::map, wanted)) {
            sql.locked().put(c.composeId(), c);
        }
    }

    /**
     * Locks the compose rows that exist, in id order (see {@link #lockOrCreateAll}); unknown
     * ids are left out.
     */
    public void lockAll(Sql sql, java.util.Collection<ComposeId> composeIds) throws SQLException {
        List<ComposeId> wanted = composeIds.stream().distinct().filter(id -> !sql.locked().containsKey(id))
                .sorted(BY_ID).toList();
        if (wanted.isEmpty()) {
            return;
        }
        for (Compose c : sql.list("select " + COLUMNS + " from compose where compose_id = any (?) order by compose_id"
                + " for update", ComposeRepository::map, wanted)) {
            sql.locked().put(c.composeId(), c);
        }
    }

    /**
     * Locks an existing compose row; empty when the compose is unknown. Within one
     * transaction the lock is taken once: later calls return the row as this
     * transaction last left it (nobody else can change it meanwhile).
     */
    public Optional<Compose> lock(Sql sql, ComposeId composeId) throws SQLException {
        Compose held = sql.locked().get(composeId);
        if (held != null) {
            return Optional.of(held);
        }
        Optional<Compose> row = sql.one("select " + COLUMNS + " from compose where compose_id = ? for update",
                ComposeRepository::map, composeId);
        row.ifPresent(c -> sql.locked().put(composeId, c));
        return row;
    }

    public Optional<Compose> find(Sql sql, ComposeId composeId) throws SQLException {
        Compose held = sql.locked().get(composeId);
        if (held != null) {
            return Optional.of(held);
        }
        return sql.one("select " + COLUMNS + " from compose where compose_id = ?", ComposeRepository::map, composeId);
    }

    /** After an update of a locked compose row: read it again once, keep it locked. */
    private void reread(Sql sql, ComposeId composeId) throws SQLException {
        if (sql.locked().remove(composeId) != null) {
            lock(sql, composeId);
        }
    }

    public List<Compose> list(Sql sql, int limit) throws SQLException {
        return sql.list("select " + COLUMNS + " from compose order by created_at desc limit ?", ComposeRepository::map,
                limit);
    }

    public void plan(Sql sql, ComposeId composeId, String planJson, List<TaskId> expectedTasks) throws SQLException {
        sql.update("""
                update compose set plan = ?, expected_tasks = ?, expected_count = ?, planned_at = now()
                where compose_id = ?""", planJson, expectedTasks, expectedTasks.size(), composeId);
        reread(sql, composeId);
    }

    /** The plan of a planned compose, as compose-planned carried it (JSON); empty before. */
    public Optional<String> planJson(Sql sql, ComposeId composeId) throws SQLException {
        return sql.one("select plan from compose where compose_id = ? and plan is not null", rs -> rs.getString(1),
                composeId);
    }

    /** The task ids compose-planned announced, in its order; empty before the compose is planned. */
    public List<TaskId> expectedTasks(Sql sql, ComposeId composeId) throws SQLException {
        return sql.one("select expected_tasks from compose where compose_id = ? and expected_tasks is not null",
                rs -> Sql.taskIds(rs, "expected_tasks"), composeId).orElse(List.of());
    }

    public void cancel(Sql sql, ComposeId composeId, String by, String reason) throws SQLException {
        sql.update("update compose set cancelled_at = now(), cancelled_by = ?, cancel_reason = ? where compose_id = ?",
                by, reason, composeId);
        reread(sql, composeId);
    }

    public void built(Sql sql, ComposeId composeId, String outcome) throws SQLException {
        sql.update("update compose set outcome = ?, built_at = now() where compose_id = ?", outcome, composeId);
        reread(sql, composeId);
    }

    public void handoffFailed(Sql sql, ComposeId composeId, String why) throws SQLException {
        sql.update("update compose set handoff_error = ? where compose_id = ?", why, composeId);
        reread(sql, composeId);
    }

    /** A retried task reopens a compose that was handed off: a new compose-built follows when it is done again. */
    public void reopen(Sql sql, ComposeId composeId) throws SQLException {
        sql.update("update compose set outcome = null, built_at = null, handoff_error = null where compose_id = ?",
                composeId);
        reread(sql, composeId);
    }

    /**
     * Records the compose's trace (a W3C traceparent) unless it already has one: the first
     * event that carried one decides, so every later event of the compose shares its trace id.
     */
    public void adoptTrace(Sql sql, ComposeId composeId, String traceparent) throws SQLException {
        if (!sql.traced().add(composeId)) {
            return; // this transaction already gave it one, so the first one stays
        }
        sql.update("update compose set traceparent = coalesce(traceparent, ?) where compose_id = ?", traceparent,
                composeId);
        sql.traces().clear();
    }

    /**
     * The trace of the compose an outgoing record is about, found by its key: a compose id,
     * or a task id (task events are keyed by task).
     */
    public Optional<String> traceOf(Sql sql, String key) throws SQLException {
        Optional<String> known = sql.traces().get(key);
        if (known != null) {
            return known;
        }
        Optional<String> trace = sql.one("""
                select traceparent from compose
                where traceparent is not null
                  and compose_id = coalesce((select compose_id from task where task_id = ?), ?)""",
                rs -> rs.getString(1), key, key);
        sql.traces().put(key, trace);
        return trace;
    }

    static Compose map(ResultSet rs) throws SQLException {
        return new Compose(Sql.composeId(rs, "compose_id"), Sql.integer(rs, "expected_count"), Sql.instant(rs, "planned_at"),
                Sql.instant(rs, "cancelled_at"), rs.getString("cancelled_by"),
                rs.getString("cancel_reason"), rs.getString("outcome"), Sql.instant(rs, "built_at"),
                Sql.instant(rs, "created_at"), rs.getString("handoff_error"));
    }
}
