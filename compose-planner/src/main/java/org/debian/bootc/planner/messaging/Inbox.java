package org.debian.bootc.planner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Event-id dedupe. Called inside the transaction that applies the event's effect,
 * so the record "processed" and the effect commit together or not at all.
 */
@ApplicationScoped
public class Inbox {

    /**
     * Claims {@code eventId} for {@code consumer}.
     *
     * @return true the first time; false when the event was already processed (a redelivery)
     */
    public Uni<Boolean> claim(String consumer, String eventId, ConsumerRecord<?, ?> record) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset)
                values (?1, ?2, ?3, ?4, ?5)
                on conflict do nothing""")
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .setParameter(3, record.topic())
                .setParameter(4, record.partition())
                .setParameter(5, record.offset())
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** Whether {@code eventId} was processed by {@code consumer}: a cheap look before slow work; {@link #claim} decides. */
    public Uni<Boolean> seen(String consumer, String eventId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                "select count(*) from processed_event where consumer = ?1 and event_id = ?2", Long.class)
                .setParameter(1, consumer)
                .setParameter(2, eventId)
                .getSingleResult())
                .map(count -> count > 0);
    }
}
