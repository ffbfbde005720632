package org.debian.bootc.executor.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;

/**
 * Reads {@code build-tasks.<architecture>}. An invalid task goes to the topic's
 * {@code .dlq} with the reason. Building is not here yet (chroots, dpkg-buildpackage
 * and package-built come with the executor's own issue): a valid task is logged.
 */
@ApplicationScoped
public class BuildTaskConsumer {

    private static final Logger LOG = Logger.getLogger(BuildTaskConsumer.class);

    private final EventCodec codec;

    public BuildTaskConsumer(EventCodec codec) {
        this.codec = codec;
    }

    @Incoming("build-tasks")
    public void buildTask(ConsumerRecord<String, byte[]> record) {
        IncomingEvent<BuildTaskDispatched> event = codec.decodeOrReject(EventType.BUILD_TASK_DISPATCHED, record);
        BuildTaskDispatched task = event.payload();
        LOG.warnf("build task %s attempt %d (%s %s on %s) received; this executor does not build yet",
                task.taskId().value(), task.attempt(), task.source().name(), task.source().version(),
                task.architecture());
    }
}
