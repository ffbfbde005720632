package org.debian.bootc.scheduler.repository;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.debian.bootc.messaging.OutboxRelay;


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
            Connection open;
            try {
                open = dataSource.getConnection();
            } catch (SQLException e) {
                throw new DatabaseUnavailableException("database unavailable: no connection: " + e.getMessage(), e);
            }
            try (Connection connection = open) {
                connection.setAutoCommit(false);
                sql = new Sql(connection);
                try {
                    result = work.run(sql);
                    sql.runBeforeCommit();
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
                if (unavailable(e)) {
                    throw new DatabaseUnavailableException("database unavailable: " + e.getMessage(), e);
                }
                throw new IllegalStateException("database: " + e.getMessage(), e);
            }
            if (sql.outboxWritten()) {
                relay.wake();
            }
            return result;
        }
    }

    /**
     * Whether {@code e} says the database is out of reach rather than that the work is
     * wrong: connection exceptions (class 08), operator intervention such as a shutdown or
     * a terminated backend (57P…), insufficient resources (53…).
     */
    public static boolean unavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether {@code e} is a deadlock or serialization failure, which reruns the work. */
    public static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return "40P01".equals(state) || "40001".equals(state);
    }
}
