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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.scheduler.Compose;

/**
 * One JDBC connection inside one transaction, with the few statement shapes the
 * repositories need. Parameters bind by type: {@link Instant} as timestamptz, a
 * {@link Collection} of strings as {@code text[]}, {@code null} as an untyped null.
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
    private final Map<String, Compose> locked = new HashMap<>();
    /** Traces of outgoing record keys, looked up once per transaction. */
    private final Map<String, Optional<String>> traces = new HashMap<>();
    private final java.util.Set<String> traced = new java.util.HashSet<>();
    private java.util.Set<String> deferred;
    private final Map<String, List<String>> dependents = new HashMap<>();

    public Sql(Connection connection) {
        this.connection = connection;
    }

    public int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(sql, args)) {
            return s.executeUpdate();
        }
    }

    public <T> List<T> list(String sql, Row<T> row, Object... args) throws SQLException {
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
        for (int i = 0; i < beforeCommit.size(); i++) {
            beforeCommit.get(i).run(this);
        }
    }

    /** Outbox rows written in this transaction and not yet inserted, in order. */
    public List<Object[]> outboxRows() {
        return outboxRows;
    }

    /** The compose rows this transaction has locked, by id. */
    public Map<String, Compose> locked() {
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
    public java.util.Set<String> deferred() {
        return deferred;
    }

    /** Dependents read ahead for this transaction, by the task they wait for. */
    public Map<String, List<String>> dependents() {
        return dependents;
    }

    /** Composes whose trace this transaction has already adopted. */
    public java.util.Set<String> traced() {
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
        List<String> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out;
        }
        int width = rows.get(0).length;
        int chunk = Math.max(1, 30_000 / width);
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            StringBuilder sql = new StringBuilder(head);
            String group = "(" + "?, ".repeat(width - 1) + "?)";
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

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            int p = i + 1;
            if (a == null) {
                s.setNull(p, Types.OTHER);
            } else if (a instanceof Instant) {
                s.setObject(p, OffsetDateTime.ofInstant((Instant) a, ZoneOffset.UTC));
            } else if (a instanceof Collection) {
                s.setArray(p, connection.createArrayOf("text", ((Collection<?>) a).stream().map(String::valueOf).toArray()));
            } else {
                s.setObject(p, a);
            }
        }
        return s;
    }
}
