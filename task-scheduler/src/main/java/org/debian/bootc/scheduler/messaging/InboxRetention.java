package org.debian.bootc.scheduler.messaging;

import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.events.Topics;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.repository.DatabaseUnavailableException;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.Transactions;

import io.quarkus.scheduler.Scheduled;

/**
 * Deletes inbox rows ({@code processed_event}) past their retention, so the table does
 * not grow by one row per heartbeat forever: heartbeats after {@code heartbeat-retention},
 * every other input after {@code processed-event-retention}. A deleted id is no longer
 * recognised as a duplicate, which is why the retention outlasts any redelivery.
 */
@ApplicationScoped
public class InboxRetention {

    private static final Logger LOG = Logger.getLogger(InboxRetention.class);
    /** Rows deleted per statement, so one prune never holds many locks or a long transaction. */
    static final int CHUNK = 10_000;

    private final Transactions transactions;
    private final SchedulerConfig config;

    public InboxRetention(Transactions transactions, SchedulerConfig config) {
        this.transactions = transactions;
        this.config = config;
    }

    @Scheduled(every = "${bootc.scheduler.processed-event-prune-interval:1h}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPrune() {
        try {
            int deleted = prune();
            if (deleted > 0) {
                LOG.infof("deleted %d processed_event row(s) past their retention", deleted);
            }
        } catch (DatabaseUnavailableException e) {
            LOG.warnf("processed_event not pruned, the next pass tries again: %s", e.getMessage());
        }
    }

    /** Deletes every row past its retention; returns how many. */
    public int prune() {
        int total = 0;
        for (;;) {
            int deleted = transactions.run(this::pruneChunk);
            total += deleted;
            if (deleted < CHUNK) {
                return total;
            }
        }
    }

    private int pruneChunk(Sql sql) throws SQLException {
        return sql.update("""
                delete from processed_event where ctid in (
                    select ctid from processed_event
                    where processed_at < now() - make_interval(secs => ?)
                       or (topic = ? and processed_at < now() - make_interval(secs => ?))
                    limit ?)""", seconds(config.processedEventRetention()), Topics.EXECUTOR_HEARTBEAT,
                seconds(config.heartbeatRetention()), CHUNK);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
