package org.debian.bootc.messaging;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;

/**
 * One row of the {@code outbox} table as a service inserts it, inside the transaction of
 * the state change that caused the event; {@link OutboxRelay} publishes it once committed.
 * Each service inserts it in its own database style (the planner through its reactive
 * session, the scheduler with its JDBC batch insert), with {@link #INSERT} and {@link #values()}.
 *
 * @param eventId the CloudEvents id, unique in the table
 * @param topic the topic the record goes to
 * @param key the record key, the event's aggregate id
 * @param headers the record headers as a JSON object of name to value (CloudEvents and traceparent)
 * @param payload the JSON payload
 */
public record OutboxRow(String eventId, String topic, String key, String headers, String payload) {

    /** The insert's head; a service appends one {@code (?, ?, ?, ?, ?)} per row, in {@link #values()} order. */
    public static final String INSERT = "insert into outbox (event_id, topic, msg_key, headers, payload) values";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The row of an encoded event, with a child of {@code trace} as its traceparent when it is not null. */
    public static OutboxRow of(OutgoingEvent out, TraceParent trace) {
        Map<String, String> headers = TraceHeader.headers(out, trace);
        try {
            return new OutboxRow(out.id(), out.topic(), out.key(), JSON.writeValueAsString(headers),
                    out.payloadText());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("outbox headers of " + out.id() + " cannot be written as JSON", e);
        }
    }

    /** The row's values in {@link #INSERT}'s column order. */
    public Object[] values() {
        return new Object[] { eventId, topic, key, headers, payload };
    }
}
