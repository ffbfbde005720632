package org.debian.bootc.scheduler.messaging;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.Sql;

/**
 * Writes the events a state change causes into the {@code outbox} table, inside the
 * caller's transaction. {@link OutboxRelay} publishes them once committed. The rows of
 * one transaction are kept in order and inserted with one multi-row insert just before
 * it commits (a batch of inputs causes hundreds).
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final EventCodec handoffCodec;
    private final ObjectMapper mapper;
    private final String source;
    private final ComposeRepository composes;

    private final Sql.BeforeCommit flush = this::flush;

    public Outbox(EventCodec codec, SchedulerConfig config, ComposeRepository composes) {
        this.composes = composes;
        this.codec = codec;
        int handoffLimit = config.composeBuiltMaxBytes().orElse(config.maxPayloadBytes());
        this.handoffCodec = handoffLimit == codec.maxPayloadBytes() ? codec : new EventCodec(handoffLimit);
        this.mapper = codec.mapper();
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
    public String enqueue(Sql sql, String composeId, Event event) throws SQLException {
        OutgoingEvent out = (event instanceof ComposeBuilt ? handoffCodec : codec).encode(event, source);
        Map<String, String> headerMap = new LinkedHashMap<>(out.headers());
        Optional<String> trace = composes.traceOf(sql, composeId != null ? composeId : out.key());
        if (trace.isPresent()) {
            headerMap.put(CloudEventHeaders.TRACEPARENT, TraceParent.parse(trace.get()).child().toString());
        }
        String headers;
        try {
            headers = mapper.writeValueAsString(headerMap);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbox headers of " + out.id() + " cannot be written as JSON", e);
        }
        sql.outboxRows().add(new Object[] { out.id(), out.topic(), out.key(), headers,
                new String(out.payload(), StandardCharsets.UTF_8) });
        sql.beforeCommit(flush);
        sql.markOutboxWritten();
        return out.id();
    }

    /** Inserts the transaction's buffered rows, in the order they were enqueued (seq follows it). */
    private void flush(Sql sql) throws SQLException {
        List<Object[]> rows = sql.outboxRows();
        sql.insertRows("insert into outbox (event_id, topic, msg_key, headers, payload) values", "", rows);
        rows.clear();
    }
}
