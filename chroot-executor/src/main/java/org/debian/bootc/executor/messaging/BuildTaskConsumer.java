package org.debian.bootc.executor.messaging;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.executor.service.BuildMetrics;
import org.debian.bootc.executor.service.BuildService;

import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Reads {@code build-tasks.<architecture>} and builds each task: {@code chroot-ready}
 * before the build step, {@code package-built} at the end. Up to
 * {@code bootc.executor.slots} tasks build at once (the {@code builds} worker pool);
 * a task's offset is committed once its {@code package-built} is acknowledged, so
 * a task whose executor dies is read again by another. A task delivered again after its
 * result was reported (the executor died before the commit) gets the same result again
 * ({@link ReportedAttempts}), not a second build. An invalid task goes to the
 * topic's {@code .dlq} with the reason.
 */
@ApplicationScoped
public class BuildTaskConsumer {

    private static final Logger LOG = Logger.getLogger(BuildTaskConsumer.class);

    private final EventCodec codec;
    private final BuildService builds;
    private final BuildEventsPublisher publisher;
    private final ExecutorId executorId;
    private final BuildMetrics metrics;
    private final ReportedAttempts reported;

    public BuildTaskConsumer(EventCodec codec, BuildService builds, BuildEventsPublisher publisher,
            ExecutorId executorId, BuildMetrics metrics, ReportedAttempts reported) {
        this.metrics = metrics;
        this.reported = reported;
        this.codec = codec;
        this.builds = builds;
        this.publisher = publisher;
        this.executorId = executorId;
    }

    @Incoming("build-tasks")
    @Blocking(value = "builds", ordered = false)
    public void buildTask(ConsumerRecord<String, byte[]> record) {
        BuildTaskDispatched task = codec.decodeOrReject(EventType.BUILD_TASK_DISPATCHED, record).payload();
        TraceParent trace = TraceParent.fromHeaders(record.headers()).orElse(null);
        Optional<PackageBuilt> already = reported.find(task.taskId(), task.attempt());
        if (already.isPresent()) {
            // delivered again: this executor reported it before its offset was committed (it died or restarted)
            publisher.publish(already.get(), trace);
            LOG.infof("task %s attempt %d was already built here (%s): its package-built is sent again, nothing is"
                    + " rebuilt", task.taskId(), task.attempt(), already.get().result().wireName());
            return;
        }
        LOG.infof("building task %s attempt %d (%s %s on %s)", task.taskId(), task.attempt(), task.source().name(),
                task.source().version(), task.architecture());
        // the compose's trace (above), handed on to what this task causes (docs/observability.md)
        long started = System.nanoTime();
        AtomicBoolean ready = new AtomicBoolean();
        builds.build(task, chroot -> {
            publisher.publish(new ChrootReady(chroot.buildrootId(), task.taskId(), task.attempt(), task.composeId(),
                    executorId, task.architecture(), chroot.baseKey(), chroot.installed()), trace);
            ready.set(true);
            metrics.chrootReady(task.architecture(), Duration.ofNanos(System.nanoTime() - started));
        }, o -> {
            PackageBuilt built = new PackageBuilt(task.taskId(), task.attempt(), task.composeId(), executorId,
                    o.buildrootId(), o.result(), o.artifacts(), o.logLocation().orElse(null),
                    o.failure().isPresent() ? String.join("\n", o.logTail()) : null, o.durationMillis());
            publisher.publish(built, trace);
            reported.record(built);
            metrics.built(task.architecture(), o.result().wireName(), Duration.ofMillis(o.durationMillis()),
                    ready.get(), o.baseMade());
            metrics.stages(task.architecture(), o.stageDurations());
            LOG.infof("task %s attempt %d: %s in %d ms", task.taskId(), task.attempt(), o.result().wireName(),
                    o.durationMillis());
        });
    }
}
