package org.debian.bootc.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An encoded event, ready to become a Kafka record: topic, key, the CloudEvents
 * id and type, the headers (all of {@code ce_specversion, ce_id, ce_type,
 * ce_source, ce_time, content-type}, in that order) and the JSON payload.
 */
public record OutgoingEvent(String topic, String key, String id, String type, Map<String, String> headers,
        byte[] payload) {

    public OutgoingEvent {
        Invariants.text("topic", topic);
        Invariants.text("key", key);
        Invariants.text("id", id);
        Invariants.text("type", type);
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(Invariants.required("headers", headers)));
        payload = Invariants.required("payload", payload).clone();
    }

    /** A copy: the record stays immutable. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The headers as Kafka record headers, UTF-8 encoded, for {@code OutgoingKafkaRecordMetadata} or a {@code ProducerRecord}. */
    public Headers kafkaHeaders() {
        RecordHeaders kafka = new RecordHeaders();
        headers.forEach((name, value) -> kafka.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return kafka;
    }

    /** A Kafka record of this event (partition left to the partitioner, which hashes the key). */
    public ProducerRecord<String, byte[]> toProducerRecord() {
        return new ProducerRecord<>(topic, null, key, payload.clone(), kafkaHeaders());
    }

    /** The payload as UTF-8 text. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutgoingEvent that
                && topic.equals(that.topic) && key.equals(that.key) && id.equals(that.id) && type.equals(that.type)
                && headers.equals(that.headers) && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, key, id, type, headers) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "OutgoingEvent[topic=" + topic + ", key=" + key + ", id=" + id + ", type=" + type
                + ", headers=" + headers + ", payload=" + Texts.shorten(payloadText(), 500) + "]";
    }
}
