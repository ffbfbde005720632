package org.debian.bootc.scheduler.repository;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;

/** Executors by their last heartbeat. */
@ApplicationScoped
public class ExecutorRepository {

    /** An executor as its last heartbeat described it. */
    public record Executor(ExecutorId executorId, List<String> architectures, int slots, List<TaskId> running,
            Instant lastSeen) {
    }

    /** The newest heartbeat per architecture, as read at {@code readAt} (System.nanoTime). */
    private record LastSeen(java.util.Map<String, Instant> byArchitecture, long readAt) {
    }

    /** How long the served architectures read from the table are used before they are read again. */
    static final Duration SERVED_CACHE = Duration.ofSeconds(1);

    private volatile LastSeen lastSeen;

    /**
     * Architectures served now, as {@link #served} says, from the newest heartbeat per
     * architecture read at most {@link #SERVED_CACHE} ago: gating a task no longer reads the
     * executor table. A heartbeat handled here forgets them ({@link #forget}); one handled
     * by another replica shows within that second.
     */
    public List<String> servedCached(Sql sql, Duration window) throws SQLException {
        LastSeen known = lastSeen;
        long now = System.nanoTime();
        if (known == null || now - known.readAt() > SERVED_CACHE.toNanos()) {
            java.util.Map<String, Instant> byArchitecture = new java.util.HashMap<>();
            sql.list("select a, max(last_seen) as seen from executor, unnest(architectures) a group by a", rs -> {
                byArchitecture.put(rs.getString(1), Sql.instant(rs, "seen"));
                return null;
            });
            known = new LastSeen(byArchitecture, now);
            lastSeen = known;
        }
        Instant since = Instant.now().minus(window);
        return known.byArchitecture().entrySet().stream().filter(e -> e.getValue().isAfter(since))
                .map(java.util.Map.Entry::getKey).sorted().toList();
    }

    /** Drops the cached heartbeat times; the next {@link #servedCached} reads the table. */
    public void forget() {
        lastSeen = null;
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
    public List<String> heartbeat(Sql sql, ExecutorId executorId, List<String> architectures, int slots,
            List<TaskId> running, Duration window) throws SQLException {
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
                rs -> new Executor(Sql.executorId(rs, "executor_id"), Sql.strings(rs, "architectures"), rs.getInt(3),
                        Sql.taskIds(rs, "running"), Sql.instant(rs, "last_seen")));
    }
}
