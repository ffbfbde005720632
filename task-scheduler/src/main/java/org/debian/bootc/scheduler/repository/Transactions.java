package org.debian.bootc.scheduler.repository;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.scheduler.messaging.OutboxRelay;

/**
 * Runs work in one JDBC transaction. A deadlock or serialization failure (two
 * transactions locking the same composes in another order) reruns the work from the
 * start a few times; anything else rolls back and propagates. After a commit that
 * wrote outbox rows the relay is woken, so the events go out at once.
 */
@ApplicationScoped
public class Transactions {

    /** Work inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Sql sql) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(Transactions.class);
    private static final int TRIES = 5;

    private final DataSource dataSource;
    private final OutboxRelay relay;

    public Transactions(DataSource dataSource, OutboxRelay relay) {
        this.dataSource = dataSource;
        this.relay = relay;
    }

    public <T> T run(Work<T> work) {
        for (int attempt = 1;; attempt++) {
            Sql sql;
            T result;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                sql = new Sql(connection);
                try {
                    result = work.run(sql);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                if (retryable(e) && attempt < TRIES) {
                    LOG.debugf("transaction rerun after %s", e.getMessage());
                    continue;
                }
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
            if (sql.outboxWritten()) {
                relay.wake();
            }
            return result;
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40P01".equals(state) || "40001".equals(state);
    }
}
