package org.debian.bootc.planner.messaging;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.planner.config.PlannerConfig;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Writes the events a state change causes into the {@code outbox} table, inside the
 * caller's transaction. {@link OutboxRelay} publishes them once committed.
 */
@ApplicationScoped
public class Outbox {

    private final EventCodec codec;
    private final ObjectMapper mapper;
    private final String source;

    public Outbox(EventCodec codec, PlannerConfig config) {
        this.codec = codec;
        this.mapper = codec.mapper();
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
        OutgoingEvent out = codec.encode(event, source);
        Map<String, String> headerMap = new LinkedHashMap<>(out.headers());
        if (trace != null) {
            headerMap.put(CloudEventHeaders.TRACEPARENT, trace.child().toString());
        }
        String headers;
        try {
            headers = mapper.writeValueAsString(headerMap);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into outbox (event_id, topic, msg_key, headers, payload)
                values (?1, ?2, ?3, ?4, ?5)""")
                .setParameter(1, out.id())
                .setParameter(2, out.topic())
                .setParameter(3, out.key())
                .setParameter(4, headers)
                .setParameter(5, new String(out.payload(), java.nio.charset.StandardCharsets.UTF_8))
                .executeUpdate())
                .replaceWith(out.id());
    }
}
