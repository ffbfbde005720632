package org.debian.bootc.scheduler.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.scheduler.Compose;

/**
 * One JDBC connection inside one transaction, with the few statement shapes the
 * repositories need. Parameters bind by type: {@link Instant} as timestamptz, a
 * {@link Collection} of strings (or of typed ids) as {@code text[]}, a typed id
 * ({@link TaskId}, {@link ComposeId}, {@link ExecutorId}, {@link BuildrootId}) as its text,
 * {@code null} as an untyped null. The typed ids become text here and are read back with
 * {@link #taskId} and its siblings: above the repositories an id is never a bare string.
 */
public final class Sql {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Work to do just before the transaction commits (e.g. writing buffered outbox rows). */
    @FunctionalInterface
    public interface BeforeCommit {
        void run(Sql sql) throws SQLException;
    }

    private final Connection connection;
    private boolean outboxWritten;
    private final List<BeforeCommit> beforeCommit = new ArrayList<>();
    private final List<Object[]> outboxRows = new ArrayList<>();
    /** Compose rows this transaction holds locked, as last read or written; a lock is taken once per transaction. */
    private final Map<ComposeId, Compose> locked = new HashMap<>();
    /** Traces of outgoing record keys, looked up once per transaction. */
    private final Map<String, Optional<String>> traces = new HashMap<>();
    private final java.util.Set<ComposeId> traced = new java.util.HashSet<>();
    private java.util.Set<ComposeId> deferred;
    private final Map<TaskId, List<TaskId>> dependents = new HashMap<>();
    private final ReadAhead readAhead = new ReadAhead();
    /** Task rows to update, by task id, the last write of each (see {@link #deferTaskUpdate}). */
    private final Map<TaskId, Object[]> taskUpdates = new LinkedHashMap<>();
    /** Rows to write with one statement per shape, in the order their shapes were first used. */
    private final Map<String, DeferredRows> deferredRows = new LinkedHashMap<>();

    /** A deferred write failed when it was flushed: not the fault of the record whose statement flushed it. */
    public static final class DeferredWriteFailed extends SQLException {
        private static final long serialVersionUID = 1L;

        DeferredWriteFailed(SQLException cause) {
            super("deferred write failed: " + cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    private record DeferredRows(String head, String group, String tail, List<Object[]> rows) {
    }

    private static final String TASK_UPDATE_HEAD = """
            update task t set status = v.status, result = v.result, reason = v.reason, not_before = v.not_before,
                updated_at = now(), completed_at = case when v.completed then now() else null end,
                current_attempt = coalesce(v.current_attempt, t.current_attempt)
            from (values""";
    private static final String TASK_UPDATE_GROUP =
            "(?::text, ?::text, ?::text, ?::text, ?::timestamptz, ?::boolean, ?::integer)";
    private static final String TASK_UPDATE_TAIL = """
            ) v(task_id, status, result, reason, not_before, completed, current_attempt)
            where t.task_id = v.task_id""";

    public Sql(Connection connection) {
        this.connection = connection;
    }

    /** The batch's read-ahead caches; repositories only. */
    ReadAhead readAhead() {
        return readAhead;
    }

    /**
     * Writes a task's state later, with the other deferred task updates in one statement:
     * before the next statement of this transaction, or before commit. A later deferred
     * update of the same task replaces this one ({@code currentAttempt} null keeps the one
     * deferred before it, if any).
     */
    void deferTaskUpdate(TaskId taskId, String status, String result, String reason, Instant notBefore,
            boolean completed, Integer currentAttempt) {
        Object[] before = taskUpdates.remove(taskId);
        Integer attempt = currentAttempt != null ? currentAttempt : before != null ? (Integer) before[6] : null;
        taskUpdates.put(taskId, new Object[] { taskId, status, result, reason, notBefore, completed, attempt });
    }

    /**
     * Writes one row later, with the other rows of the same shape in one statement:
     * {@code head}, then one {@code group} per row, then {@code tail}.
     */
    void deferRow(String head, String group, String tail, Object[] row) {
        deferredRows.computeIfAbsent(head + group + tail, k -> new DeferredRows(head, group, tail, new ArrayList<>()))
                .rows().add(row);
    }

    /** Writes what was deferred; runs before every statement and before commit. */
    private void flushDeferred() throws SQLException {
        if (taskUpdates.isEmpty() && deferredRows.isEmpty()) {
            return;
        }
        try {
            if (!taskUpdates.isEmpty()) {
                List<Object[]> rows = new ArrayList<>(taskUpdates.values());
                taskUpdates.clear();
                execRows(TASK_UPDATE_HEAD, TASK_UPDATE_GROUP, TASK_UPDATE_TAIL, rows, null);
            }
            List<DeferredRows> all = new ArrayList<>(deferredRows.values());
            deferredRows.clear();
            for (DeferredRows rows : all) {
                execRows(rows.head(), rows.group(), rows.tail(), rows.rows(), null);
            }
        } catch (SQLException e) {
            throw new DeferredWriteFailed(e);
        }
    }

    public int update(String sql, Object... args) throws SQLException {
        flushDeferred();
        try (PreparedStatement s = prepare(sql, args)) {
            return s.executeUpdate();
        }
    }

    public <T> List<T> list(String sql, Row<T> row, Object... args) throws SQLException {
        flushDeferred();
        try (PreparedStatement s = prepare(sql, args); ResultSet rs = s.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.map(rs));
            }
            return out;
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
        List<T> all = list(sql, row, args);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    public long count(String sql, Object... args) throws SQLException {
        return one(sql, rs -> rs.getLong(1), args).orElse(0L);
    }

    /** Remembers that this transaction wrote outbox rows, so the relay is woken after commit. */
    public void markOutboxWritten() {
        outboxWritten = true;
    }

    public boolean outboxWritten() {
        return outboxWritten;
    }

    /** Runs {@code work} once, just before commit; registering the same work twice runs it once. */
    public void beforeCommit(BeforeCommit work) {
        if (!beforeCommit.contains(work)) {
            beforeCommit.add(work);
        }
    }

    /** Runs the before-commit work; called by {@link Transactions} only. */
    void runBeforeCommit() throws SQLException {
        flushDeferred();
        for (int i = 0; i < beforeCommit.size(); i++) {
            beforeCommit.get(i).run(this);
        }
    }

    /** Outbox rows written in this transaction and not yet inserted, in order. */
    public List<Object[]> outboxRows() {
        return outboxRows;
    }

    /** The compose rows this transaction has locked, by id. */
    public Map<ComposeId, Compose> locked() {
        return locked;
    }

    /**
     * From now on, "is this compose done?" is asked once per compose at the end of the
     * work ({@code TaskScheduler.checkDeferred}), not after every completion: a batch.
     */
    public void deferComposeChecks() {
        if (deferred == null) {
            deferred = new java.util.LinkedHashSet<>();
        }
    }

    /** Composes whose done-check is deferred; null when checks are not deferred. */
    public java.util.Set<ComposeId> deferred() {
        return deferred;
    }

    /** Dependents read ahead for this transaction, by the task they wait for. */
    public Map<TaskId, List<TaskId>> dependents() {
        return dependents;
    }

    /** Composes whose trace this transaction has already adopted. */
    public java.util.Set<ComposeId> traced() {
        return traced;
    }

    /** Traces of outgoing record keys already looked up in this transaction. */
    public Map<String, Optional<String>> traces() {
        return traces;
    }

    /**
     * A multi-row insert: {@code head} up to and including {@code values}, then one
     * {@code (?, …)} group per row, then {@code tail}. Rows go in chunks so a statement stays
     * under PostgreSQL's 65,535 bind parameters. Returns the rows inserted.
     */
    public int insertRows(String head, String tail, List<Object[]> rows) throws SQLException {
        return insertRows(head, tail, rows, null).size();
    }

    /**
     * As {@link #insertRows(String, String, List)}, with {@code returning} appended, and returns
     * the first returned column of every inserted row as a string.
     */
    public List<String> insertRows(String head, String tail, List<Object[]> rows, String returning)
            throws SQLException {
        if (rows.isEmpty()) {
            return new ArrayList<>();
        }
        flushDeferred();
        String group = "(" + "?, ".repeat(rows.get(0).length - 1) + "?)";
        return execRows(head, group, tail, rows, returning);
    }

    /**
     * {@code head}, one {@code group} per row, {@code tail} (and {@code returning}), in chunks
     * under PostgreSQL's 65,535 bind parameters; returns the first returned column of every
     * row written, or one null per row written when {@code returning} is null.
     */
    private List<String> execRows(String head, String group, String tail, List<Object[]> rows, String returning)
            throws SQLException {
        List<String> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out;
        }
        int width = rows.get(0).length;
        int chunk = Math.max(1, 30_000 / width);
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            StringBuilder sql = new StringBuilder(head);
            Object[] args = new Object[part.size() * width];
            for (int r = 0; r < part.size(); r++) {
                sql.append(r == 0 ? " " : ", ").append(group);
                System.arraycopy(part.get(r), 0, args, r * width, width);
            }
            sql.append(' ').append(tail);
            if (returning == null) {
                try (PreparedStatement s = prepare(sql.toString(), args)) {
                    int n = s.executeUpdate();
                    for (int i = 0; i < n; i++) {
                        out.add(null);
                    }
                }
            } else {
                sql.append(" returning ").append(returning);
                try (PreparedStatement s = prepare(sql.toString(), args); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    public static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        if (array == null) {
            return null;
        }
        return List.of((String[]) array.getArray());
    }

    public static TaskId taskId(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : new TaskId(v);
    }

    public static ComposeId composeId(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : new ComposeId(v);
    }

    public static ExecutorId executorId(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : new ExecutorId(v);
    }

    public static BuildrootId buildrootId(ResultSet rs, String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : new BuildrootId(v);
    }

    /** The elements of a {@code text[]} column as task ids. */
    public static List<TaskId> taskIds(ResultSet rs, String column) throws SQLException {
        List<String> all = strings(rs, column);
        return all == null ? null : all.stream().map(TaskId::new).toList();
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int p = i + 1;
            if (a == null) {
                s.setNull(p, Types.OTHER);
            } else if (a instanceof Instant) {
                s.setObject(p, OffsetDateTime.ofInstant((Instant) a, ZoneOffset.UTC));
            } else if (a instanceof TaskId || a instanceof ComposeId || a instanceof ExecutorId
                    || a instanceof BuildrootId) {
                s.setString(p, a.toString()); // each id's toString is its value
            } else if (a instanceof Collection) {
                s.setArray(p, connection.createArrayOf("text", ((Collection<?>) a).stream().map(String::valueOf).toArray()));
            } else {
                s.setObject(p, a);
            }
        }
        return s;
    }
}
