package org.debian.bootc.events;

import java.time.Instant;

/**
 * A decoded event with its CloudEvents attributes.
 *
 * @param id {@code ce_id}: with {@code source}, what a consumer deduplicates on
 * @param type {@code ce_type}
 * @param source {@code ce_source}
 * @param time {@code ce_time}, or null when the producer did not send it
 * @param payload the event record
 */
public record IncomingEvent<E extends Event>(String id, String type, String source, Instant time, E payload) {

    public IncomingEvent {
        Invariants.text("id", id);
        Invariants.text("type", type);
        Invariants.text("source", source);
        Invariants.required("payload", payload);
    }
}
