package org.debian.bootc.planner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.messaging.OutboxRow;
import org.debian.bootc.planner.config.PlannerConfig;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Writes the events a state change causes into the {@code outbox} table, inside the
 * caller's reactive transaction. The row's shape and trace header are the messaging
 * kit's {@link OutboxRow}; {@link OutboxRelay} publishes it once committed.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final String source;

    public Outbox(EventCodec codec, PlannerConfig config) {
        this.codec = codec;
        this.source = config.eventSource();
    }

    /** Encodes (and so validates against its schema) and stores one event; returns its CloudEvents id. */
    public Uni<String> enqueue(Event event) {
        return enqueue(event, null);
    }

    /**
     * As {@link #enqueue(Event)}, with a {@code traceparent} header in the compose's trace
     * (a new parent id under {@code trace}); none when {@code trace} is null.
     */
    public Uni<String> enqueue(Event event, TraceParent trace) {
        OutboxRow row = OutboxRow.of(codec.encode(event, source), trace);
        Object[] values = row.values();
        return Panache.getSession().chain(session -> {
            var insert = session.createNativeQuery(OutboxRow.INSERT + " (?1, ?2, ?3, ?4, ?5)");
            for (int i = 0; i < values.length; i++) {
                insert.setParameter(i + 1, values[i]);
            }
            return insert.executeUpdate();
        }).replaceWith(row.eventId());
    }
}
