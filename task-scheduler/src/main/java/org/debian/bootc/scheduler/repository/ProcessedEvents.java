package org.debian.bootc.scheduler.repository;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The inbox: the {@code processed_event} rows that dedupe events by id. Called inside the transaction that applies the event's effect,
 * so the record "processed" and the effect commit together or not at all.
 */
@ApplicationScoped
public class ProcessedEvents {

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

    /**
     * Claims several events with one multi-row insert; each event id must occur once.
     *
     * @return the ids claimed now; the others were already processed (redeliveries)
     */
    public Set<String> claimAll(Sql sql, String consumer, Map<String, ConsumerRecord<?, ?>> records)
            throws SQLException {
        List<Object[]> rows = new ArrayList<>(records.size());
        records.forEach((eventId, record) -> rows.add(new Object[] { consumer, eventId, record.topic(),
                record.partition(), record.offset() }));
        return new HashSet<>(sql.insertRows(
                "insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset) values",
                "on conflict do nothing", rows, "event_id"));
    }
}
