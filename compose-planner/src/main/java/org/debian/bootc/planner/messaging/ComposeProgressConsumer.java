package org.debian.bootc.planner.messaging;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.planner.service.ComposeLifecycle;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Reads what the scheduler and the publisher say of a compose ({@code compose-built},
 * {@code image-committed}, {@code image-failed}) and lets {@link ComposeLifecycle}
 * move it on. Each event is claimed in the inbox in the transaction of its effect;
 * invalid records go to the topic's dead-letter topic.
 */
@ApplicationScoped
public class ComposeProgressConsumer {

    static final String CONSUMER = "compose-planner.progress";
    private static final Logger LOG = Logger.getLogger(ComposeProgressConsumer.class);

    private final EventCodec codec;
    private final Inbox inbox;
    private final ComposeLifecycle lifecycle;
    private final OutboxRelay relay;

    public ComposeProgressConsumer(EventCodec codec, Inbox inbox, ComposeLifecycle lifecycle, OutboxRelay relay) {
        this.codec = codec;
        this.inbox = inbox;
        this.lifecycle = lifecycle;
        this.relay = relay;
    }

    @Incoming("compose-built")
    public Uni<Void> composeBuilt(ConsumerRecord<String, byte[]> record) {
        return apply(EventType.COMPOSE_BUILT, record, lifecycle::built);
    }

    @Incoming("image-committed")
    public Uni<Void> imageCommitted(ConsumerRecord<String, byte[]> record) {
        return apply(EventType.IMAGE_COMMITTED, record, lifecycle::imageCommitted);
    }

    @Incoming("image-failed")
    public Uni<Void> imageFailed(ConsumerRecord<String, byte[]> record) {
        return apply(EventType.IMAGE_PUBLISH_FAILED, record, lifecycle::imageFailed);
    }

    private <E extends Event> Uni<Void> apply(EventType<E> type, ConsumerRecord<String, byte[]> record,
            Function<E, Uni<Void>> effect) {
        IncomingEvent<E> event = codec.decodeOrReject(type, record);
        return Panache.withTransaction(() -> inbox.claim(CONSUMER, event.id(), record).chain(first -> {
            if (!first) {
                LOG.infof("event %s already processed; skipped", event.id());
                return Uni.createFrom().voidItem();
            }
            return effect.apply(event.payload());
        })).invoke(relay::wake);
    }
}
