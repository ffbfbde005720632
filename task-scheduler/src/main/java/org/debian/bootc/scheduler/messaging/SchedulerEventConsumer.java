package org.debian.bootc.scheduler.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.service.DispatchPass;
import org.debian.bootc.scheduler.service.TaskScheduler;

import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * The scheduler's inputs. Each record is decoded and validated (an invalid one goes
 * to {@code <topic>.dlq} with the reason), claimed in the inbox and applied to the
 * task state in one transaction, so a redelivery has no second effect. Records of one
 * channel are applied in order, one at a time; the offset is committed after.
 */
@ApplicationScoped
public class SchedulerEventConsumer {

    static final String CONSUMER = "task-scheduler";
    private static final Logger LOG = Logger.getLogger(SchedulerEventConsumer.class);

    /** Applies one decoded event inside the transaction. */
    @FunctionalInterface
    private interface Apply<E> {
        void apply(Sql sql, E event) throws java.sql.SQLException;
    }

    private final EventCodec codec;
    private final Inbox inbox;
    private final Transactions transactions;
    private final TaskScheduler scheduler;
    private final DispatchPass dispatchPass;
    private final ComposeRepository composes;

    public SchedulerEventConsumer(EventCodec codec, Inbox inbox, Transactions transactions, TaskScheduler scheduler,
            DispatchPass dispatchPass, ComposeRepository composes) {
        this.composes = composes;
        this.codec = codec;
        this.inbox = inbox;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.dispatchPass = dispatchPass;
    }

    @Incoming("compose-planned")
    @Blocking
    public void composePlanned(ConsumerRecord<String, byte[]> record) {
        receive(EventType.COMPOSE_PLANNED, record, (sql, e) -> {
            adoptTrace(sql, e.composeId().value(), record);
            scheduler.planned(sql, e);
        });
    }

    @Incoming("package-build-queued")
    @Blocking
    public void packageBuildQueued(ConsumerRecord<String, byte[]> record) {
        receive(EventType.PACKAGE_BUILD_QUEUED, record, (sql, e) -> {
            adoptTrace(sql, e.composeId().value(), record);
            scheduler.queued(sql, e);
        });
    }

    @Incoming("chroot-ready")
    @Blocking
    public void chrootReady(ConsumerRecord<String, byte[]> record) {
        receive(EventType.CHROOT_READY, record, scheduler::chrootReady);
    }

    @Incoming("package-built")
    @Blocking
    public void packageBuilt(ConsumerRecord<String, byte[]> record) {
        receive(EventType.PACKAGE_BUILT, record, scheduler::built);
    }

    @Incoming("compose-cancel")
    @Blocking
    public void composeCancel(ConsumerRecord<String, byte[]> record) {
        receive(EventType.COMPOSE_CANCEL_REQUESTED, record, (sql, e) -> {
            var result = scheduler.cancel(sql, e.composeId().value(), e.requestedBy(), e.reason(), true);
            LOG.infof("cancel of %s requested by %s: %s", e.composeId(), e.requestedBy(), result.message());
        });
    }

    @Incoming("executor-heartbeat")
    @Blocking
    public void executorHeartbeat(ConsumerRecord<String, byte[]> record) {
        IncomingEvent<ExecutorHeartbeat> event = codec.decodeOrReject(EventType.EXECUTOR_HEARTBEAT, record);
        List<String> newlyServed = transactions.run(sql -> inbox.claim(sql, CONSUMER, event.id(), record)
                ? scheduler.heartbeat(sql, event.payload())
                : List.<String>of());
        if (!newlyServed.isEmpty()) {
            LOG.infof("executor %s now serves %s: dispatching their pending tasks", event.payload().executorId(),
                    newlyServed);
            dispatchPass.wake();
        }
    }

    /**
     * The planner's records carry the compose's trace; the compose row keeps it for what
     * follows, before the event is applied so the events it causes carry it too.
     */
    private void adoptTrace(Sql sql, String composeId, ConsumerRecord<String, byte[]> record)
            throws java.sql.SQLException {
        var trace = TraceParent.fromHeaders(record.headers());
        if (trace.isPresent()) {
            composes.lockOrCreate(sql, composeId);
            composes.adoptTrace(sql, composeId, trace.get().toString());
        }
    }

    private <E extends org.debian.bootc.events.Event> void receive(EventType<E> type,
            ConsumerRecord<String, byte[]> record, Apply<E> apply) {
        IncomingEvent<E> event = codec.decodeOrReject(type, record);
        boolean first = transactions.run(sql -> {
            if (!inbox.claim(sql, CONSUMER, event.id(), record)) {
                return false;
            }
            apply.apply(sql, event.payload());
            return true;
        });
        if (!first) {
            LOG.infof("%s %s key=%s already processed; skipped", type.ceType(), event.id(), record.key());
        }
    }
}
