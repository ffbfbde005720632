package org.debian.bootc.executor.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.executor.config.ExecutorConfig;
import org.debian.bootc.executor.service.RunningBuilds;

/**
 * Reads {@code build-cancellations} in a consumer group of this executor's own
 * (every executor sees every cancellation) and stops the attempt if it runs here:
 * its buildroot's PID namespace is killed at once, and the attempt ends with
 * {@code package-built} result {@code error}.
 */
@ApplicationScoped
public class BuildCancellationConsumer {

    private static final Logger LOG = Logger.getLogger(BuildCancellationConsumer.class);

    private final EventCodec codec;
    private final RunningBuilds running;
    private final ExecutorConfig config;

    public BuildCancellationConsumer(EventCodec codec, RunningBuilds running, ExecutorConfig config) {
        this.codec = codec;
        this.running = running;
        this.config = config;
    }

    @Incoming("build-cancellations")
    public void cancel(ConsumerRecord<String, byte[]> record) {
        BuildTaskCancelled cancelled = codec.decodeOrReject(EventType.BUILD_TASK_CANCELLED, record).payload();
        if (!cancelled.architecture().equals(config.architecture())) {
            return;
        }
        if (running.cancel(cancelled.taskId(), cancelled.attempt(), cancelled.reason())) {
            LOG.infof("task %s attempt %d cancelled: %s", cancelled.taskId(), cancelled.attempt(), cancelled.reason());
        }
    }
}
