package org.debian.bootc.scheduler.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The scheduler's four inputs. Each record is decoded and validated (an invalid one
 * goes to {@code <topic>.dlq} with the reason) and claimed in the inbox, so a
 * redelivery is recognised. Task state, gating and dispatch are the state machine's
 * work and are not here yet: a valid event is recorded and logged.
 */
@ApplicationScoped
public class SchedulerEventConsumer {

    static final String CONSUMER = "task-scheduler";
    private static final Logger LOG = Logger.getLogger(SchedulerEventConsumer.class);

    private final EventCodec codec;
    private final Inbox inbox;

    public SchedulerEventConsumer(EventCodec codec, Inbox inbox) {
        this.codec = codec;
        this.inbox = inbox;
    }

    @Incoming("package-build-queued")
    public Uni<Void> packageBuildQueued(ConsumerRecord<String, byte[]> record) {
        return receive(EventType.PACKAGE_BUILD_QUEUED, record);
    }

    @Incoming("chroot-ready")
    public Uni<Void> chrootReady(ConsumerRecord<String, byte[]> record) {
        return receive(EventType.CHROOT_READY, record);
    }

    @Incoming("package-built")
    public Uni<Void> packageBuilt(ConsumerRecord<String, byte[]> record) {
        return receive(EventType.PACKAGE_BUILT, record);
    }

    @Incoming("executor-heartbeat")
    public Uni<Void> executorHeartbeat(ConsumerRecord<String, byte[]> record) {
        return receive(EventType.EXECUTOR_HEARTBEAT, record);
    }

    private Uni<Void> receive(EventType<?> type, ConsumerRecord<String, byte[]> record) {
        IncomingEvent<?> event = codec.decodeOrReject(type, record);
        return Panache.withTransaction(() -> inbox.claim(CONSUMER, event.id(), record))
                .invoke(first -> LOG.infof("%s %s key=%s %s", type.ceType(), event.id(), record.key(),
                        first ? "recorded" : "already processed; skipped"))
                .replaceWithVoid();
    }
}
