package org.debian.bootc.planner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.planner.service.ComposeIntake;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code compose-requested}. An invalid record fails with the reason and goes
 * to {@code compose-requested.dlq}; a valid one is claimed in the inbox and applied
 * in the same transaction, so a redelivery has no second effect. The offset is
 * committed only after that transaction (SmallRye's throttled commit strategy).
 */
@ApplicationScoped
public class ComposeRequestConsumer {

    static final String CONSUMER = "compose-planner";
    private static final Logger LOG = Logger.getLogger(ComposeRequestConsumer.class);

    private final EventCodec codec;
    private final Inbox inbox;
    private final ComposeIntake intake;
    private final OutboxRelay relay;

    public ComposeRequestConsumer(EventCodec codec, Inbox inbox, ComposeIntake intake, OutboxRelay relay) {
        this.codec = codec;
        this.inbox = inbox;
        this.intake = intake;
        this.relay = relay;
    }

    @Incoming("compose-requested")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        IncomingEvent<ComposeRequested> event = codec.decodeOrReject(EventType.COMPOSE_REQUESTED, record);
        return Panache.withTransaction(() -> inbox.claim(CONSUMER, event.id(), record)
                .chain(first -> {
                    if (!first) {
                        LOG.infof("event %s already processed; skipped", event.id());
                        return Uni.createFrom().voidItem();
                    }
                    return intake.accept(event.payload()).replaceWithVoid();
                }))
                // committed: publish what the change caused without waiting for the next poll
                .invoke(relay::wake);
    }
}
