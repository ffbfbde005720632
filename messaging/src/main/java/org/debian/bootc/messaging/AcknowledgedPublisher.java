package org.debian.bootc.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TraceParent;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishing for services without an outbox (the executor, the publisher): encodes and
 * validates the event, keys it by its aggregate id, adds the trace header, and sends it
 * on the caller's channel. The returned {@link Uni} completes only once the broker has
 * acknowledged the record and fails when it did not, so the caller can fail whatever
 * caused the event (and, for a consumer, leave its offset uncommitted).
 */
@ApplicationScoped
public class AcknowledgedPublisher {

    private final EventCodec codec;

    public AcknowledgedPublisher(EventCodec codec) {
        this.codec = codec;
    }

    /**
     * @param channel the emitter of the channel mapped to the event's topic
     * @param source the CloudEvents {@code ce_source} of the publishing service
     * @param trace the trace of what caused the event: the record carries a child of it; none when null
     */
    public Uni<Void> send(MutinyEmitter<ProducerRecord<String, byte[]>> channel, Event event, String source,
            TraceParent trace) {
        // deferred: an encoding error, or a channel not wired yet at start-up, fails the Uni instead of throwing
        return Uni.createFrom().deferred(() -> {
            OutgoingEvent out = codec.encode(event, source);
            return channel.send(TraceHeader.record(out, trace));
        });
    }
}
