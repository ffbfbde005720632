package org.debian.bootc.executor.messaging;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.executor.config.ExecutorConfig;
import org.debian.bootc.messaging.AcknowledgedPublisher;

import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Publishes {@code chroot-ready} and {@code package-built}, each keyed by task id,
 * and waits for the broker's acknowledgement: the build task's offset is
 * committed only after its {@code package-built} is durable.
 */
@ApplicationScoped
public class BuildEventsPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);

    private final MutinyEmitter<ProducerRecord<String, byte[]>> chrootReady;
    private final MutinyEmitter<ProducerRecord<String, byte[]>> packageBuilt;
    private final AcknowledgedPublisher publisher;
    private final ExecutorConfig config;

    public BuildEventsPublisher(@Channel("chroot-ready") MutinyEmitter<ProducerRecord<String, byte[]>> chrootReady,
            @Channel("package-built") MutinyEmitter<ProducerRecord<String, byte[]>> packageBuilt,
            AcknowledgedPublisher publisher, ExecutorConfig config) {
        this.chrootReady = chrootReady;
        this.packageBuilt = packageBuilt;
        this.publisher = publisher;
        this.config = config;
    }

    /**
     * Blocks until the broker acknowledged it; throws when it did not.
     *
     * @param trace the build task's trace context: the record carries a child of it; none when null
     */
    public void publish(ChrootReady event, TraceParent trace) {
        publisher.send(chrootReady, event, config.eventSource(), trace).await().atMost(ACK_TIMEOUT);
    }

    /** As {@link #publish(ChrootReady, TraceParent)}. */
    public void publish(PackageBuilt event, TraceParent trace) {
        publisher.send(packageBuilt, event, config.eventSource(), trace).await().atMost(ACK_TIMEOUT);
    }
}
