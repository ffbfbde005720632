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
import java.util.List;
import java.util.Optional;

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

    private final Connection connection;
    private boolean outboxWritten;

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
