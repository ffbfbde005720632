package org.debian.bootc.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes committed outbox rows to Kafka on the {@code outbox} channel (the topic is set
 * per record) and deletes them only once the broker has acknowledged them: from then on
 * the topic is the record of what was sent, and the table holds only what is still to
 * send (docs/architecture.md, "Messaging kit"). Rows are locked with {@code SKIP LOCKED},
 * so several replicas can relay side by side. A crash after the send and before the
 * delete publishes the row again on the next pass: consumers dedupe by {@code ce_id}.
 */
@ApplicationScoped
@IfBuildProperty(name = "bootc.messaging.outbox", stringValue = "enabled")
public class OutboxRelay {

    /** The exit code of the {@code halt-before-publish} fault point. */
    public static final int HALT_EXIT_CODE = 86;
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final MutinyEmitter<ProducerRecord<String, byte[]>> emitter;
    private final MessagingConfig config;
    private final Instance<OutboxListener> listeners;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "outbox-relay"));
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();

    public OutboxRelay(DataSource dataSource, @Channel("outbox") MutinyEmitter<ProducerRecord<String, byte[]>> emitter,
            MessagingConfig config, Instance<OutboxListener> listeners) {
        this.dataSource = dataSource;
        this.emitter = emitter;
        this.config = config;
        this.listeners = listeners;
    }

    /** Safety net: picks up rows whose wake-up was lost (e.g. committed by a replica or before a crash). */
    // delayed: before the messaging channels are wired the emitter cannot be reached (an error a pass)
    @Scheduled(every = "${bootc.messaging.outbox-poll-interval:1s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPass() {
        wake();
    }

    /**
     * Asks for a relay pass soon, on the relay's own thread; called after a transaction
     * that wrote outbox rows has committed. Passes never overlap; a wake-up during a
     * pass runs one more.
     */
    public void wake() {
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    private void drain() {
        try {
            while (pending.getAndSet(false)) {
                try {
                    while (publishBatch() == config.outboxBatchSize()) {
                        // a full batch means more may be waiting
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warnf("outbox relay pass failed, rows stay pending for the next pass: %s", e.toString());
                }
            }
        } finally {
            running.set(false);
        }
        if (pending.get() && running.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    /** Publishes up to one batch of pending rows; returns how many were published. */
    public int publishBatch() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Row> rows = lockPending(connection);
                if (rows.isEmpty()) {
                    connection.commit();
                    return 0;
                }
                if ("halt-before-publish".equals(config.faultPoint())) {
                    LOG.errorf("fault point halt-before-publish: halting with %d committed outbox rows unpublished", rows.size());
                    Runtime.getRuntime().halt(HALT_EXIT_CODE);
                }
                List<Uni<Void>> sends = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    sends.add(emitter.send(TraceHeader.record(row.topic(), row.key(), row.headers(),
                            row.payload().getBytes(StandardCharsets.UTF_8))));
                }
                Uni.join().all(sends).andFailFast().await().atMost(config.outboxSendTimeout());
                deletePublished(connection, rows);
                connection.commit();
                for (Row row : rows) {
                    listeners.forEach(listener -> listener.published(row.topic(), row.payload()));
                }
                return rows.size();
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private List<Row> lockPending(Connection connection) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                select seq, topic, msg_key, headers, payload from outbox
                order by seq limit ? for update skip locked""")) {
            select.setInt(1, config.outboxBatchSize());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3),
                            readHeaders(rs.getString(4)), rs.getString(5)));
                }
            }
        }
        return rows;
    }

    private static Map<String, String> readHeaders(String json) {
        try {
            return JSON.readValue(json, HEADERS);
        } catch (Exception e) {
            throw new IllegalStateException("outbox headers are not a JSON object of strings: " + json, e);
        }
    }

    private static void deletePublished(Connection connection, List<Row> rows) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("delete from outbox where seq = any (?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", rows.stream().map(Row::seq).toArray()));
            delete.executeUpdate();
        }
    }

    private record Row(long seq, String topic, String key, Map<String, String> headers, String payload) {
    }
}
