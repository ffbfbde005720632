package org.debian.bootc.messaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.events.Topics;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes inbox rows ({@code processed_event}) past their retention, so the table does
 * not grow by one row per consumed event forever: heartbeats after {@code heartbeat-retention},
 * every other input after {@code processed-event-retention}. A deleted id is no longer
 * recognised as a duplicate, which is why the retention outlasts any redelivery.
 */
@ApplicationScoped
@IfBuildProperty(name = "bootc.messaging.outbox", stringValue = "enabled")
public class InboxRetention {

    private static final Logger LOG = Logger.getLogger(InboxRetention.class);
    /** Rows deleted per statement, so one prune never holds many locks or a long transaction. */
    static final int CHUNK = 10_000;

    private final DataSource dataSource;
    private final MessagingConfig config;

    public InboxRetention(DataSource dataSource, MessagingConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    @Scheduled(every = "${bootc.messaging.processed-event-prune-interval:1h}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPrune() {
        try {
            int deleted = prune();
            if (deleted > 0) {
                LOG.infof("deleted %d processed_event row(s) past their retention", deleted);
            }
        } catch (SQLException e) {
            LOG.warnf("processed_event not pruned, the next pass tries again: %s", e.getMessage());
        }
    }

    /** Deletes every row past its retention, a chunk per statement (each its own transaction); returns how many. */
    public int prune() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement delete = connection.prepareStatement("""
                    delete from processed_event where ctid in (
                        select ctid from processed_event
                        where processed_at < now() - make_interval(secs => ?)
                           or (topic = ? and processed_at < now() - make_interval(secs => ?))
                        limit ?)""")) {
                delete.setDouble(1, seconds(config.processedEventRetention()));
                delete.setString(2, Topics.EXECUTOR_HEARTBEAT);
                delete.setDouble(3, seconds(config.heartbeatRetention()));
                delete.setInt(4, CHUNK);
                int total = 0;
                for (;;) {
                    int deleted = delete.executeUpdate();
                    total += deleted;
                    if (deleted < CHUNK) {
                        return total;
                    }
                }
            }
        }
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
