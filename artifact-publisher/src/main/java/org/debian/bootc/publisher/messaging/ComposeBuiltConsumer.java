package org.debian.bootc.publisher.messaging;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;

import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.messaging.AcknowledgedPublisher;
import org.debian.bootc.publisher.config.PublisherConfig;
import org.debian.bootc.publisher.apt.RepositorySigner;
import org.debian.bootc.publisher.service.ImagePublisher;
import org.debian.bootc.publisher.service.PublishRequest;
import org.debian.bootc.publisher.service.PublishResult;
import org.debian.bootc.publisher.service.PublisherSettings;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.PublishFailure;
import org.debian.bootc.publisher.failure.Stage;

/**
 * Reads {@code compose-built} and publishes one image per {@code plan.images()} entry:
 * nothing for a {@code doomed} compose, nothing for an architecture whose builds failed
 * when that architecture is failable; otherwise the phases run and
 * {@code image-committed} (or {@code image-failed} with the stage, reason and whose fault it is) goes out,
 * acknowledged by the broker before the record's offset is committed. An invalid event
 * goes to {@code compose-built.dlq} with the reason.
 *
 * <p>A redelivered event publishes again; an unchanged tree keeps its OSTree commit, gives
 * the same manifest digest and pushes nothing, so the repeated {@code image-committed}
 * says the same thing (readers key it by compose id and architecture).
 */
@ApplicationScoped
public class ComposeBuiltConsumer {

    private static final Logger LOG = Logger.getLogger(ComposeBuiltConsumer.class);
    /** Timer of one image, tags {@code architecture}, {@code result} (docs/observability.md). */
    static final String PUBLISH = "bootc.publisher.publish";
    /** Counter of images by {@code result} (committed, failed), {@code architecture} and failed {@code stage}. */
    static final String IMAGES = "bootc.publisher.images";
    /** Counter of bytes pushed to registries (blobs the registry did not have), tag {@code architecture}. */
    static final String BYTES_PUSHED = "bootc.publisher.pushed.bytes";

    private final EventCodec codec;
    private final AcknowledgedPublisher publisher;
    private final PublisherConfig config;
    private final MutinyEmitter<ProducerRecord<String, byte[]>> committed;
    private final MutinyEmitter<ProducerRecord<String, byte[]>> failed;
    private final MeterRegistry registry;

    public ComposeBuiltConsumer(EventCodec codec, AcknowledgedPublisher publisher, PublisherConfig config,
            @Channel("image-committed") MutinyEmitter<ProducerRecord<String, byte[]>> committed,
            @Channel("image-failed") MutinyEmitter<ProducerRecord<String, byte[]>> failed, MeterRegistry registry) {
        this.registry = registry;
        this.codec = codec;
        this.publisher = publisher;
        this.config = config;
        this.committed = committed;
        this.failed = failed;
    }

    @Incoming("compose-built")
    @Blocking
    public void composeBuilt(ConsumerRecord<String, byte[]> record) {
        ComposeBuilt built = codec.decodeOrReject(EventType.COMPOSE_BUILT, record).payload();
        String compose = built.composeId().value();
        // the compose's trace: image-committed/image-failed carry a child of it (docs/observability.md)
        TraceParent trace = TraceParent.fromHeaders(record.headers()).orElse(null);
        if (built.outcome() == ComposeOutcome.DOOMED) {
            LOG.infof("compose %s is doomed: nothing is published", compose);
            return;
        }
        for (ImageTarget target : built.plan().images()) {
            if (skipped(built, target)) {
                LOG.infof("compose %s: %s is failable and has failed builds; its image is not published", compose,
                        target.architecture());
                continue;
            }
            publish(built, target, trace);
        }
    }

    /** Pungi's failable architectures: one whose builds did not all succeed is left out, not failed. */
    static boolean skipped(ComposeBuilt built, ImageTarget target) {
        String arch = target.architecture();
        return built.plan().failable().architectures().contains(arch) && built.packages().stream()
                .anyMatch(p -> p.architecture().equals(arch) && p.result() != TaskResult.SUCCESS);
    }

    private void publish(ComposeBuilt built, ImageTarget target, TraceParent trace) {
        String compose = built.composeId().value();
        Event outcome;
        Timer.Sample sample = Timer.start(registry);
        try {
            PublishResult result = publisher().publish(PublishRequest.of(built, target));
            registry.counter(BYTES_PUSHED, "architecture", target.architecture()).increment(result.bytesPushed());
            outcome = new ImageCommitted(built.composeId(), target.architecture(), target.ostreeRef(),
                    result.commit().commit(), result.imageReference(), result.image().manifestDigest(),
                    result.image().layers().size(), result.bytesPushed(), result.disks().stream()
                            .map(d -> new DiskImage(d.format(), d.file().toUri().toString(), d.sha256(), d.sizeBytes()))
                            .toList());
        } catch (PublishFailure e) {
            LOG.warnf("compose %s %s: %s failed (%s fault): %s", compose, target.architecture(), e.stage().wireName(),
                    e.fault().wireName(), e.reason());
            outcome = new ImagePublishFailed(built.composeId(), target.architecture(), target.ostreeRef(),
                    e.stage().wireName(), e.reason(), e.fault());
        } catch (RuntimeException e) {
            // a bug, not a failure a phase diagnosed: whether a retry helps is not known, so no fault is claimed
            LOG.errorf(e, "compose %s %s: publishing failed", compose, target.architecture());
            outcome = new ImagePublishFailed(built.composeId(), target.architecture(), target.ostreeRef(),
                    Stage.IMAGE.wireName(), "unexpected error: " + e, null);
        }
        String result = outcome instanceof ImagePublishFailed f ? "failed" : "committed";
        sample.stop(Timer.builder(PUBLISH).description("Publishing one image: rootfs to pushed image")
                .tag("architecture", target.architecture()).tag("result", result).register(registry));
        registry.counter(IMAGES, "architecture", target.architecture(), "result", result,
                "stage", outcome instanceof ImagePublishFailed f ? f.stage() : "none").increment();
        MutinyEmitter<ProducerRecord<String, byte[]>> channel = outcome instanceof ImageCommitted ? committed : failed;
        publisher.send(channel, outcome, config.eventSource(), trace).await().indefinitely();
    }

    private ImagePublisher publisher() {
        RepositorySigner signer = new RepositorySigner(
                Path.of(config.signingGnupgHome().orElseThrow(() -> new InfrastructureFailure(Stage.REPOSITORY,
                        "bootc.publisher.signing-gnupg-home is not set: the built-packages apt repository cannot be signed"))),
                config.signingKeyId().orElseThrow(() -> new InfrastructureFailure(Stage.REPOSITORY,
                        "bootc.publisher.signing-key-id is not set: the built-packages apt repository cannot be signed")));
        return new ImagePublisher(new PublisherSettings(Path.of(config.dataDir()), signer,
                Optional.of(Path.of(config.archiveKeyring())), config.downloadCache().map(Path::of), config.push(),
                config.registryTlsVerify(), config.maxLayers(), config.requireKernel(), config.sourceDateEpoch(),
                config.imageSource(), config.toolTimeout(), config.diskImagesKept()));
    }
}
