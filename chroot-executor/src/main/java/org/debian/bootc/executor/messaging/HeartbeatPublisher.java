package org.debian.bootc.executor.messaging;

import java.net.InetAddress;
import java.net.UnknownHostException;
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

    public HeartbeatPublisher(@Channel("executor-heartbeat") MutinyEmitter<ProducerRecord<String, byte[]>> emitter, EventCodec codec,
            ExecutorConfig config) {
        this.emitter = emitter;
        this.codec = codec;
        this.config = config;
        this.executorId = new ExecutorId(config.id().orElseGet(HeartbeatPublisher::hostName));
    }

    public ExecutorId executorId() {
        return executorId;
    }

    @Scheduled(every = "${bootc.executor.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        OutgoingEvent out = codec.encode(new ExecutorHeartbeat(executorId, List.of(config.architecture()),
                config.slots(), List.of(), Instant.now()), config.eventSource());
        return emitter.send(out.toProducerRecord())
                .onFailure().invoke(e -> LOG.warnf("heartbeat not acknowledged by the broker: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "executor-" + ProcessHandle.current().pid();
        }
    }
}
