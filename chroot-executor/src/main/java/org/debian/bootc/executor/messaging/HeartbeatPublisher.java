package org.debian.bootc.executor.messaging;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.executor.config.ExecutorConfig;
import org.debian.bootc.executor.service.RunningBuilds;
import org.debian.bootc.messaging.AcknowledgedPublisher;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Says on {@code executor-heartbeat} that this executor is alive, what it serves and what it runs. */
@ApplicationScoped
public class HeartbeatPublisher {

    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

    private final MutinyEmitter<ProducerRecord<String, byte[]>> emitter;
    private final AcknowledgedPublisher publisher;
    private final ExecutorConfig config;
    private final ExecutorId executorId;

    private final RunningBuilds running;

    public HeartbeatPublisher(@Channel("executor-heartbeat") MutinyEmitter<ProducerRecord<String, byte[]>> emitter,
            AcknowledgedPublisher publisher, ExecutorConfig config, ExecutorId executorId, RunningBuilds running) {
        this.emitter = emitter;
        this.publisher = publisher;
        this.config = config;
        this.executorId = executorId;
        this.running = running;
    }

    public ExecutorId executorId() {
        return executorId;
    }

    @Scheduled(every = "${bootc.executor.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> beat() {
        // deferred: the heartbeat says what runs when it is sent
        return Uni.createFrom().deferred(() -> publisher.send(emitter, new ExecutorHeartbeat(executorId,
                List.of(config.architecture()), config.slots(), running.taskIds(), Instant.now()),
                config.eventSource(), null))
                .onFailure().invoke(e -> LOG.warnf("heartbeat not acknowledged by the broker: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
