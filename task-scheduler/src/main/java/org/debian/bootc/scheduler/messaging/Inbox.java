package org.debian.bootc.scheduler.messaging;

import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.scheduler.repository.Sql;

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
    public boolean claim(Sql sql, String consumer, String eventId, ConsumerRecord<?, ?> record) throws SQLException {
        return sql.update("""
                insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset)
                values (?, ?, ?, ?, ?)
                on conflict do nothing""", consumer, eventId, record.topic(), record.partition(), record.offset()) == 1;
    }
}
