package org.debian.bootc.messaging;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;

/**
 * The one place an event gets its W3C {@code traceparent}: a new span id under the
 * trace of what caused it (docs/observability.md), or no header when there is none.
 * {@code events/TraceParent} is the header's wire format; this decides where it goes.
 */
public final class TraceHeader {

    private TraceHeader() {
    }

    /** The event's CloudEvents headers, in order, plus a child of {@code trace} when it is not null. */
    public static Map<String, String> headers(OutgoingEvent out, TraceParent trace) {
        Map<String, String> headers = new LinkedHashMap<>(out.headers());
        if (trace != null) {
            headers.put(CloudEventHeaders.TRACEPARENT, trace.child().toString());
        }
        return headers;
    }

    /** The event as a Kafka record keyed by its aggregate id, with a child of {@code trace} when it is not null. */
    public static ProducerRecord<String, byte[]> record(OutgoingEvent out, TraceParent trace) {
        return record(out.topic(), out.key(), headers(out, trace), out.payload());
    }

    /** A Kafka record from stored parts (an outbox row); the partitioner hashes the key. */
    static ProducerRecord<String, byte[]> record(String topic, String key, Map<String, String> headers,
            byte[] payload) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, key, payload);
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }
}
