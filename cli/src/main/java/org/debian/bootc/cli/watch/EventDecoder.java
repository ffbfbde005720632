package org.debian.bootc.cli.watch;

import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.InvalidEventException;

/** Decodes a record with the events module's codec, by the type its topic carries. */
public final class EventDecoder {

    private final EventCodec codec = new EventCodec();

    /**
     * The event, or empty for a topic that carries no event type (a dead-letter topic).
     *
     * @throws InvalidEventException with the codec's one-line reason
     */
    public Optional<IncomingEvent<? extends Event>> decode(ConsumerRecord<String, byte[]> record)
            throws InvalidEventException {
        Optional<EventType<?>> type = EventType.forTopic(record.topic());
        if (type.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(codec.decode(type.get(), record.headers(), record.value()));
    }
}
