package org.debian.bootc.publisher.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;

/**
 * Reads {@code compose-built}. An invalid event goes to {@code compose-built.dlq}
 * with the reason. Publishing (apt repository, OSTree commit, OCI image, push) is not
 * here yet: a valid event is logged.
 */
@ApplicationScoped
public class ComposeBuiltConsumer {

    private static final Logger LOG = Logger.getLogger(ComposeBuiltConsumer.class);

    private final EventCodec codec;

    public ComposeBuiltConsumer(EventCodec codec) {
        this.codec = codec;
    }

    @Incoming("compose-built")
    public void composeBuilt(ConsumerRecord<String, byte[]> record) {
        ComposeBuilt built = codec.decodeOrReject(EventType.COMPOSE_BUILT, record).payload();
        LOG.warnf("compose %s built with %d package results; this publisher does not publish yet",
                built.composeId().value(), built.packages().size());
    }
}
