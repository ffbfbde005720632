package org.debian.bootc.planner.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.planner.config.PlannerConfig;
import org.debian.bootc.planner.plan.PlanningUnavailable;
import org.debian.bootc.planner.service.ComposeIntake;
import org.debian.bootc.planner.service.ComposeTraces;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code compose-requested}. An invalid record fails with the reason and goes
 * to {@code compose-requested.dlq}; a valid one is planned, then claimed in the inbox
 * in the transaction that starts or rejects the compose, so a redelivery has no
 * second effect. When the archive cannot be reached the request is retried with
 * backoff and, if it still cannot, goes to the dead-letter topic with that reason:
 * it is neither started nor rejected. The offset is committed only after the
 * transaction (SmallRye's throttled commit strategy).
 */
@ApplicationScoped
public class ComposeRequestConsumer {

    static final String CONSUMER = "compose-planner";
    private static final Logger LOG = Logger.getLogger(ComposeRequestConsumer.class);

    private final EventCodec codec;
    private final Inbox inbox;
    private final ComposeIntake intake;
    private final OutboxRelay relay;
    private final int retries;

    public ComposeRequestConsumer(EventCodec codec, Inbox inbox, ComposeIntake intake, OutboxRelay relay,
            PlannerConfig config) {
        this.retries = config.archive().retries();
        this.codec = codec;
        this.inbox = inbox;
        this.intake = intake;
        this.relay = relay;
    }

    @Incoming("compose-requested")
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        IncomingEvent<ComposeRequested> event = codec.decodeOrReject(EventType.COMPOSE_REQUESTED, record);
        return Panache.withSession(() -> inbox.seen(CONSUMER, event.id())).chain(seen -> {
            if (seen) {
                LOG.infof("event %s already processed; skipped", event.id());
                return Uni.createFrom().voidItem();
            }
            String header = ComposeTraces.header(record.headers());
            return intake.accept(event.payload(), ComposeTraces.continueOrStart(header, event.id()),
                    () -> inbox.claim(CONSUMER, event.id(), record))
                    // the archive may be down for a while: retry, then leave it to the dead-letter topic
                    .onFailure(PlanningUnavailable.class).invoke(e -> LOG.warnf("event %s: %s; retrying",
                            event.id(), e.getMessage()))
                    .onFailure(PlanningUnavailable.class).retry()
                    .withBackOff(Duration.ofSeconds(2), Duration.ofSeconds(60)).atMost(retries)
                    // committed: publish what the change caused without waiting for the next poll
                    .invoke(relay::wake)
                    .replaceWithVoid();
        });
    }
}
