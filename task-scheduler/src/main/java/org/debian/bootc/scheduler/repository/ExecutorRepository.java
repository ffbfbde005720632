package org.debian.bootc.scheduler.repository;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** Executors by their last heartbeat. */
@ApplicationScoped
public class ExecutorRepository {

    /** An executor as its last heartbeat described it. */
    public record Executor(String executorId, List<String> architectures, int slots, List<String> running,
            Instant lastSeen) {
    }

    /** Architectures served now: built for by an executor seen within {@code window}. */
    public List<String> served(Sql sql, Duration window) throws SQLException {
        return sql.list("""
                select distinct unnest(architectures) from executor
                where last_seen > now() - make_interval(secs => ?)""", rs -> rs.getString(1),
                window.toMillis() / 1000.0);
    }

    /**
     * Records a heartbeat. Returns the architectures this heartbeat made served that
     * were not served before it, so their pending tasks can go out at once.
     */
    public List<String> heartbeat(Sql sql, String executorId, List<String> architectures, int slots,
            List<String> running, Duration window) throws SQLException {
        List<String> before = served(sql, window);
        sql.update("""
                insert into executor (executor_id, architectures, slots, running, last_seen) values (?, ?, ?, ?, now())
                on conflict (executor_id) do update set architectures = excluded.architectures, slots = excluded.slots,
                    running = excluded.running, last_seen = excluded.last_seen""", executorId, architectures, slots,
                running);
        return architectures.stream().filter(a -> !before.contains(a)).toList();
    }

    public List<Executor> list(Sql sql) throws SQLException {
        return sql.list("select executor_id, architectures, slots, running, last_seen from executor order by executor_id",
                rs -> new Executor(rs.getString(1), Sql.strings(rs, "architectures"), rs.getInt(3),
                        Sql.strings(rs, "running"), Sql.instant(rs, "last_seen")));
    }
}
