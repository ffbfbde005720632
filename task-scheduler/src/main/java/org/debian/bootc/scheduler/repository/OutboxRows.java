package org.debian.bootc.scheduler.repository;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.messaging.OutboxRow;
import org.debian.bootc.scheduler.config.SchedulerConfig;

/**
 * Writes the events a state change causes into the {@code outbox} table, inside the
 * caller's transaction, as the messaging kit's {@link OutboxRow}s (their shape and trace
 * header); {@link OutboxRelay} publishes them once committed. The rows of
 * one transaction are kept in order and inserted with one multi-row insert just before
 * it commits (a batch of inputs causes hundreds). Persistence, so here and not in
 * {@code messaging/}: the services call it inside their transactions.
 */
@ApplicationScoped
public class OutboxRows {

    private final EventCodec codec;
    private final EventCodec handoffCodec;
    private final String source;
    private final ComposeRepository composes;

    private final Sql.BeforeCommit flush = this::flush;

    public OutboxRows(EventCodec codec, SchedulerConfig config, ComposeRepository composes) {
        this.composes = composes;
        this.codec = codec;
        int handoffLimit = config.composeBuiltMaxBytes().orElse(codec.maxPayloadBytes());
        this.handoffCodec = handoffLimit == codec.maxPayloadBytes() ? codec : new EventCodec(handoffLimit);
        this.source = config.eventSource();
    }

    /**
     * Encodes (and so validates against its schema) and stores one event; returns its
     * CloudEvents id. The record carries a {@code traceparent} in the trace of the compose
     * it is about, when that compose has one (docs/observability.md).
     */
    public String enqueue(Sql sql, Event event) throws SQLException {
        return enqueue(sql, null, event);
    }

    /** As {@link #enqueue(Sql, Event)}, for an event about {@code composeId} (its trace is looked up once). */
    public String enqueue(Sql sql, ComposeId composeId, Event event) throws SQLException {
        OutgoingEvent out = (event instanceof ComposeBuilt ? handoffCodec : codec).encode(event, source);
        Optional<String> trace = composes.traceOf(sql, composeId != null ? composeId.value() : out.key());
        sql.outboxRows().add(OutboxRow.of(out, trace.map(TraceParent::parse).orElse(null)).values());
        sql.beforeCommit(flush);
        sql.markOutboxWritten();
        return out.id();
    }

    /** Inserts the transaction's buffered rows, in the order they were enqueued (seq follows it). */
    private void flush(Sql sql) throws SQLException {
        List<Object[]> rows = sql.outboxRows();
        sql.insertRows(OutboxRow.INSERT, "", rows);
        rows.clear();
    }
}
