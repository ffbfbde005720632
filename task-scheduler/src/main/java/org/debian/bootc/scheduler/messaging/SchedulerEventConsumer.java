package org.debian.bootc.scheduler.messaging;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.DatabaseUnavailableException;
import org.debian.bootc.scheduler.repository.ExecutorRepository;
import org.debian.bootc.scheduler.repository.ProcessedEvents;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.service.DispatchPass;
import org.debian.bootc.scheduler.service.TaskScheduler;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The scheduler's inputs. Each record is decoded and validated, claimed in the inbox
 * and applied to the task state in one transaction, so a redelivery has no second
 * effect; records of one channel are applied in order. {@code package-build-queued}
 * and {@code package-built}, the inputs a big compose brings by the ten thousand, come
 * in batches (one poll, up to {@code max.poll.records}) applied in one transaction.
 *
 * <p>A bad record (invalid, or refused by the state machine, e.g. a result for an
 * unknown task) goes to {@code <topic>.dlq} with its reason; the others of its batch are
 * applied without it. A database that cannot be reached is not the record's fault: the
 * channel waits and tries the same records again, growing the wait up to
 * {@code database-retry-max}, and nothing is dead-lettered or acknowledged meanwhile.
 * Offsets are acknowledged only after the transaction committed.
 */
@ApplicationScoped
public class SchedulerEventConsumer {

    static final String CONSUMER = "task-scheduler";
    private static final Logger LOG = Logger.getLogger(SchedulerEventConsumer.class);
    private static final long FIRST_RETRY_MILLIS = 200;

    /** Batch-level work before the records are applied one by one (same transaction). */
    @FunctionalInterface
    private interface Prepare<E> {
        void prepare(Sql sql, List<E> events) throws SQLException;
    }

    /** Applies one decoded record inside the transaction. */
    @FunctionalInterface
    private interface Apply<E extends Event> {
        void apply(Sql sql, Input<E> input) throws SQLException;
    }

    /** One decoded record of a batch. */
    private record Input<E extends Event>(KafkaRecord<String, byte[]> message, ConsumerRecord<String, byte[]> record,
            IncomingEvent<E> event) {
        E payload() {
            return event.payload();
        }
    }

    /** The record that made the transaction fail; the batch is applied again without it. */
    private static final class BadInput extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Input<?> input;

        BadInput(Input<?> input, Throwable cause) {
            super(cause.getMessage(), cause, false, false);
            this.input = input;
        }
    }

    /** The service is stopping while the database is unavailable: leave the records unacknowledged. */
    private static final class Stopping extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopping() {
            super("stopping", null, false, false);
        }
    }

    private final EventCodec codec;
    private final ProcessedEvents inbox;
    private final Transactions transactions;
    private final TaskScheduler scheduler;
    private final DispatchPass dispatchPass;
    private final ComposeRepository composes;
    private final ExecutorRepository executors;
    private final SchedulerConfig config;
    private volatile boolean stopping;

    public SchedulerEventConsumer(EventCodec codec, ProcessedEvents inbox, Transactions transactions,
            TaskScheduler scheduler, DispatchPass dispatchPass, ComposeRepository composes, ExecutorRepository executors,
            SchedulerConfig config) {
        this.composes = composes;
        this.codec = codec;
        this.inbox = inbox;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.dispatchPass = dispatchPass;
        this.executors = executors;
        this.config = config;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Incoming("compose-planned")
    @Blocking
    public CompletionStage<Void> composePlanned(KafkaRecord<String, byte[]> message) {
        return intake(EventType.COMPOSE_PLANNED, message, List.of(message), null, (sql, in) -> {
            adoptTrace(sql, in.payload().composeId(), in.record());
            scheduler.planned(sql, in.payload());
        });
    }

    @Incoming("package-build-queued")
    @Blocking
    public CompletionStage<Void> packageBuildQueued(KafkaRecordBatch<String, byte[]> batch) {
        AtomicReference<Set<TaskId>> inserted = new AtomicReference<>();
        return intake(EventType.PACKAGE_BUILD_QUEUED, batch, batch.getRecords(),
                (sql, events) -> inserted.set(scheduler.prepareQueued(sql, events)), (sql, in) -> {
                    adoptTrace(sql, in.payload().composeId(), in.record());
                    scheduler.gateQueued(sql, in.payload(), inserted.get().contains(in.payload().taskId()));
                });
    }

    @Incoming("chroot-ready")
    @Blocking
    public CompletionStage<Void> chrootReady(KafkaRecord<String, byte[]> message) {
        return intake(EventType.CHROOT_READY, message, List.of(message), null,
                (sql, in) -> scheduler.chrootReady(sql, in.payload()));
    }

    @Incoming("package-built")
    @Blocking
    public CompletionStage<Void> packageBuilt(KafkaRecordBatch<String, byte[]> batch) {
        return intake(EventType.PACKAGE_BUILT, batch, batch.getRecords(), scheduler::prepareBuilt,
                (sql, in) -> scheduler.built(sql, in.payload()));
    }

    @Incoming("compose-cancel")
    @Blocking
    public CompletionStage<Void> composeCancel(KafkaRecord<String, byte[]> message) {
        return intake(EventType.COMPOSE_CANCEL_REQUESTED, message, List.of(message), null, (sql, in) -> {
            var e = in.payload();
            var result = scheduler.cancel(sql, e.composeId(), e.requestedBy(), e.reason(), true);
            LOG.infof("cancel of %s requested by %s: %s", e.composeId(), e.requestedBy(), result.message());
        });
    }

    @Incoming("executor-heartbeat")
    @Blocking
    public CompletionStage<Void> executorHeartbeat(KafkaRecord<String, byte[]> message) {
        Set<String> newlyServed = ConcurrentHashMap.newKeySet();
        CompletionStage<Void> done = intake(EventType.EXECUTOR_HEARTBEAT, message, List.of(message), null,
                (sql, in) -> newlyServed.addAll(scheduler.heartbeat(sql, in.payload())));
        executors.forget();
        if (!newlyServed.isEmpty()) {
            LOG.infof("an executor now serves %s: dispatching their pending tasks", newlyServed);
            dispatchPass.wake();
        }
        return done;
    }

    /**
     * The planner's records carry the compose's trace; the compose row keeps it for what
     * follows, before the event is applied so the events it causes carry it too.
     */
    private void adoptTrace(Sql sql, ComposeId composeId, ConsumerRecord<String, byte[]> record) throws SQLException {
        var trace = TraceParent.fromHeaders(record.headers());
        if (trace.isPresent()) {
            composes.lockOrCreate(sql, composeId);
            composes.adoptTrace(sql, composeId, trace.get().toString());
        }
    }

    /**
     * Decodes {@code messages}, applies the valid ones in one transaction, dead-letters the
     * bad ones, then acknowledges {@code whole}. While the database is unavailable it waits
     * and tries again; if the service stops meanwhile, nothing is acknowledged (the records
     * come again after the restart).
     */
    private <E extends Event> CompletionStage<Void> intake(EventType<E> type, Message<?> whole,
            List<KafkaRecord<String, byte[]>> messages, Prepare<E> prepare, Apply<E> apply) {
        Map<KafkaRecord<String, byte[]>, Throwable> bad = new LinkedHashMap<>();
        List<Input<E>> good = new ArrayList<>();
        for (KafkaRecord<String, byte[]> message : messages) {
            ConsumerRecord<String, byte[]> record = consumerRecord(message);
            try {
                good.add(new Input<>(message, record, codec.decodeOrReject(type, record)));
            } catch (RuntimeException e) {
                bad.put(message, e);
            }
        }
        try {
            applyAll(type, good, prepare, apply, bad);
        } catch (Stopping e) {
            LOG.warnf("stopping while the database is unavailable: %d %s record(s) stay unacknowledged",
                    messages.size(), type.ceType());
            return new CompletableFuture<>();
        }
        for (Map.Entry<KafkaRecord<String, byte[]>, Throwable> dead : bad.entrySet()) {
            ConsumerRecord<String, byte[]> record = consumerRecord(dead.getKey());
            LOG.warnf("%s at %s-%d@%d goes to the dead-letter topic: %s", type.ceType(), record.topic(),
                    record.partition(), record.offset(), dead.getValue().getMessage());
            dead.getKey().nack(dead.getValue()).toCompletableFuture().join();
        }
        if (messages.size() == 1 && whole == messages.get(0) && bad.containsKey(whole)) {
            return CompletableFuture.completedFuture(null); // its dead-lettering acknowledged it
        }
        return whole.ack();
    }

    /** Applies {@code good} in one transaction, taking out each record that fails it, one at a time. */
    private <E extends Event> void applyAll(EventType<E> type, List<Input<E>> good, Prepare<E> prepare,
            Apply<E> apply, Map<KafkaRecord<String, byte[]>, Throwable> bad) {
        List<Input<E>> left = new ArrayList<>(good);
        while (!left.isEmpty()) {
            try {
                List<Input<E>> now = left;
                untilDatabaseAnswers(type, now.size(), () -> transactions.run(sql -> transaction(sql, type, now,
                        prepare, apply)));
                return;
            } catch (BadInput e) {
                bad.put(e.input.message(), e.getCause());
                left.remove(e.input);
            } catch (Stopping e) {
                throw e;
            } catch (RuntimeException e) {
                if (left.size() == 1) {
                    bad.put(left.get(0).message(), e);
                    return;
                }
                // not one record's doing as far as can be told: apply them one by one to find out
                for (Input<E> one : left) {
                    applyAll(type, List.of(one), prepare, apply, bad);
                }
                return;
            }
        }
    }

    private <E extends Event> Void transaction(Sql sql, EventType<E> type, List<Input<E>> inputs, Prepare<E> prepare,
            Apply<E> apply) throws SQLException {
        // a redelivered copy inside one batch counts once: the first copy is the one applied
        Map<String, ConsumerRecord<?, ?>> byId = new LinkedHashMap<>();
        for (Input<E> in : inputs) {
            byId.putIfAbsent(in.event().id(), in.record());
        }
        Set<String> claimed = inbox.claimAll(sql, CONSUMER, byId);
        List<Input<E>> fresh = new ArrayList<>();
        for (Input<E> in : inputs) {
            if (claimed.remove(in.event().id())) {
                fresh.add(in);
            } else {
                LOG.infof("%s %s key=%s already processed; skipped", type.ceType(), in.event().id(), in.record().key());
            }
        }
        if (prepare != null && !fresh.isEmpty()) {
            sql.deferComposeChecks();
            prepare.prepare(sql, fresh.stream().map(Input::payload).toList());
        }
        for (Input<E> in : fresh) {
            try {
                apply.apply(sql, in);
            } catch (SQLException e) {
                if (Transactions.retryable(e) || Transactions.unavailable(e) || e instanceof Sql.DeferredWriteFailed) {
                    throw e; // not this record's doing (a deferred write may be an earlier record's)
                }
                throw new BadInput(in, e);
            } catch (RuntimeException e) {
                throw new BadInput(in, e);
            }
        }
        scheduler.checkDeferred(sql);
        return null;
    }

    /** Runs {@code work} until the database answers, waiting longer each time, up to database-retry-max. */
    private void untilDatabaseAnswers(EventType<?> type, int records, Runnable work) {
        long wait = FIRST_RETRY_MILLIS;
        for (int attempt = 1;; attempt++) {
            try {
                work.run();
                if (attempt > 1) {
                    LOG.infof("database answers again: %d %s record(s) applied after %d attempts", records,
                            type.ceType(), attempt);
                }
                return;
            } catch (DatabaseUnavailableException e) {
                if (stopping) {
                    throw new Stopping();
                }
                LOG.warnf("%s: %d record(s) wait, not acknowledged, and are tried again in %d ms: %s", type.ceType(),
                        records, wait, e.getMessage());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new Stopping();
                }
                wait = Math.min(wait * 2, config.databaseRetryMax().toMillis());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, byte[]> consumerRecord(KafkaRecord<String, byte[]> message) {
        return (ConsumerRecord<String, byte[]>) message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("a Kafka message without its record metadata"))
                .getRecord();
    }
}
