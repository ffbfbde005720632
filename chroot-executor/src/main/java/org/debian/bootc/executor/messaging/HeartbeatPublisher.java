package org.debian.bootc.executor.messaging;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.executor.config.ExecutorConfig;
import org.debian.bootc.executor.service.RunningBuilds;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Says on {@code executor-heartbeat} that this executor is alive, what it serves and what it runs. */
@ApplicationScoped
public class HeartbeatPublisher {

    private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

    private final MutinyEmitter<ProducerRecord<String, byte[]>> emitter;
    private final EventCodec codec;
    private final ExecutorConfig config;
    private final ExecutorId executorId;

    private final RunningBuilds running;

    public HeartbeatPublisher(@Channel("executor-heartbeat") MutinyEmitter<ProducerRecord<String, byte[]>> emitter, EventCodec codec,
            ExecutorConfig config, ExecutorId executorId, RunningBuilds running) {
        this.emitter = emitter;
        this.codec = codec;
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
        // deferred: until the channel is wired at start-up, send() throws instead of failing the Uni
        return Uni.createFrom().deferred(() -> {
            OutgoingEvent out = codec.encode(new ExecutorHeartbeat(executorId, List.of(config.architecture()),
                    config.slots(), running.taskIds(), Instant.now()), config.eventSource());
            return emitter.send(out.toProducerRecord());
        })
                .onFailure().invoke(e -> LOG.warnf("heartbeat not acknowledged by the broker: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
