package org.debian.bootc.planner.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.planner.Compose;
import org.debian.bootc.planner.messaging.Outbox;
import org.debian.bootc.planner.plan.ComposeMetadata;
import org.debian.bootc.planner.repository.ComposeRepository;
import org.debian.bootc.planner.repository.MetadataRepository;

import io.smallrye.mutiny.Uni;

/**
 * Follows a compose from STARTED to its end, Pungi's way: {@code compose-built}
 * says whether the builds allow it to finish (a failure outside the failable rules
 * dooms it); then each architecture's image is awaited, {@code image-committed} or
 * {@code image-failed}. All images committed: FINISHED, or FINISHED_INCOMPLETE when
 * a failable part failed; a failed image of an architecture that is not failable:
 * DOOMED. Terminal statuses are final: a late event is recorded, not applied.
 * Runs inside the caller's transaction; status events go out through the outbox.
 */
@ApplicationScoped
public class ComposeLifecycle {

    static final String COMMITTED = "committed";
    static final String FAILED = "failed";
    private static final Logger LOG = Logger.getLogger(ComposeLifecycle.class);

    private final ComposeRepository composes;
    private final MetadataRepository metadata;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Clock clock = Clock.systemUTC();

    public ComposeLifecycle(ComposeRepository composes, MetadataRepository metadata, Outbox outbox,
            EventCodec codec) {
        this.composes = composes;
        this.metadata = metadata;
        this.outbox = outbox;
        this.codec = codec;
    }

    public Uni<Void> built(ComposeBuilt event) {
        return compose(event.composeId()).chain(compose -> {
            if (compose == null) {
                return Uni.createFrom().voidItem();
            }
            if (compose.outcome != null) {
                LOG.infof("compose %s: compose-built again; the first one stands", compose.composeId);
                return Uni.createFrom().voidItem();
            }
            compose.outcome = event.outcome().wireName();
            compose.awaitedImages = String.join(",", awaitedArchitectures(PlanJson.read(codec, compose.plan),
                    event.packages()));
            compose.updatedAt = Instant.now(clock);
            if (!ComposeStatus.STARTED.name().equals(compose.status)) {
                return Uni.createFrom().voidItem();
            }
            if (event.outcome() == ComposeOutcome.DOOMED) {
                return transition(compose, ComposeStatus.DOOMED, "builds failed outside the failable rules: "
                        + failures(event.packages()));
            }
            return settle(compose);
        });
    }

    public Uni<Void> imageCommitted(ImageCommitted event) {
        return compose(event.composeId()).chain(compose -> compose == null ? Uni.createFrom().voidItem()
                : metadata.recordImage(compose.composeId, event.architecture(), COMMITTED, event.ref(),
                        event.commit(), event.imageReference(), event.manifestDigest(), event.layerCount(),
                        event.bytesPushed(), null, null, json(event))
                        .chain(() -> writeImagesJson(compose))
                        .chain(() -> settle(compose)));
    }

    public Uni<Void> imageFailed(ImagePublishFailed event) {
        return compose(event.composeId()).chain(compose -> compose == null ? Uni.createFrom().voidItem()
                : metadata.recordImage(compose.composeId, event.architecture(), FAILED, event.ref(), null, null,
                        null, null, null, event.stage(), event.reason(), json(event))
                        .chain(() -> settle(compose)));
    }

    /**
     * The compose, row-locked for the transaction: compose-built and the image events
     * arrive on different channels at once, and each decides from what the other wrote,
     * so they take turns (else each can miss the other's uncommitted write and neither
     * moves the compose on).
     */
    private Uni<Compose> compose(ComposeId id) {
        return composes.findById(id.value(), LockModeType.PESSIMISTIC_WRITE).invoke(compose -> {
            if (compose == null) {
                LOG.warnf("compose %s is not one of this planner's; event ignored", id.value());
            }
        });
    }

    /** Decides the end once compose-built and every awaited image have been heard of. */
    private Uni<Void> settle(Compose compose) {
        if (!ComposeStatus.STARTED.name().equals(compose.status) || compose.outcome == null) {
            return Uni.createFrom().voidItem();
        }
        ComposePlan plan = PlanJson.read(codec, compose.plan);
        Set<String> awaited = compose.awaitedImages.isEmpty() ? Set.of()
                : new LinkedHashSet<>(List.of(compose.awaitedImages.split(",")));
        return metadata.images(compose.composeId).chain(rows -> {
            Map<String, MetadataRepository.ImageRow> byArch = new TreeMap<>();
            rows.forEach(row -> byArch.put(row.architecture(), row));
            List<String> failedHard = new ArrayList<>();
            List<String> failedSoft = new ArrayList<>();
            for (MetadataRepository.ImageRow row : rows) {
                if (FAILED.equals(row.state())) {
                    (plan.failable().architectures().contains(row.architecture()) ? failedSoft : failedHard)
                            .add(row.architecture());
                }
            }
            if (!failedHard.isEmpty()) {
                return transition(compose, ComposeStatus.DOOMED, "the image of " + String.join(", ", failedHard)
                        + " failed to publish and is not failable");
            }
            if (awaited.isEmpty()) {
                return transition(compose, ComposeStatus.DOOMED, "no architecture built what its image needs");
            }
            if (!byArch.keySet().containsAll(awaited)) {
                return Uni.createFrom().voidItem();
            }
            long committed = awaited.stream().filter(a -> COMMITTED.equals(byArch.get(a).state())).count();
            if (committed == 0) {
                return transition(compose, ComposeStatus.DOOMED, "no image was published");
            }
            boolean incomplete = !failedSoft.isEmpty() || ComposeOutcome.INCOMPLETE.wireName().equals(compose.outcome);
            return incomplete
                    ? transition(compose, ComposeStatus.FINISHED_INCOMPLETE, "finished without failable parts: "
                            + (failedSoft.isEmpty() ? "some builds failed" : "images of " + failedSoft + " failed"))
                    : transition(compose, ComposeStatus.FINISHED, "every build and image of "
                            + String.join(", ", awaited) + " published");
        });
    }

    /**
     * The architectures whose image the publisher makes: the plan's, less each
     * failable architecture that has a build which did not succeed (the publisher
     * skips those).
     */
    static List<String> awaitedArchitectures(ComposePlan plan, List<PackageResult> results) {
        Set<String> broken = results.stream().filter(r -> r.result() != TaskResult.SUCCESS)
                .map(PackageResult::architecture).collect(Collectors.toSet());
        return plan.images().stream().map(ImageTarget::architecture)
                .filter(arch -> !(broken.contains(arch) && plan.failable().architectures().contains(arch)))
                .toList();
    }

    private Uni<Void> writeImagesJson(Compose compose) {
        return metadata.images(compose.composeId).chain(rows -> {
            List<ImageCommitted> committed = new ArrayList<>();
            for (MetadataRepository.ImageRow row : rows) {
                if (COMMITTED.equals(row.state())) {
                    try {
                        committed.add(codec.mapper().readValue(row.event(), ImageCommitted.class));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("a stored image-committed does not read back", e);
                    }
                }
            }
            return metadata.put(compose.composeId, ComposeMetadata.IMAGES,
                    ComposeMetadata.images(new ComposeId(compose.composeId), committed));
        });
    }

    private Uni<Void> transition(Compose compose, ComposeStatus to, String reason) {
        ComposeStatus from = ComposeStatus.valueOf(compose.status);
        compose.status = to.name();
        compose.statusReason = reason;
        compose.updatedAt = Instant.now(clock);
        LOG.infof("compose %s: %s -> %s (%s)", compose.composeId, from, to, reason);
        return outbox.enqueue(new ComposeStatusChanged(new ComposeId(compose.composeId),
                new RequestId(compose.requestId), from, to, reason, List.of()), trace(compose)).replaceWithVoid();
    }

    private static TraceParent trace(Compose compose) {
        return compose.traceparent == null ? null : TraceParent.parse(compose.traceparent);
    }

    private static String failures(List<PackageResult> packages) {
        return packages.stream().filter(p -> p.result() != TaskResult.SUCCESS)
                .map(p -> p.source() + " on " + p.architecture() + " (" + p.result().wireName() + ")")
                .collect(Collectors.joining(", "));
    }

    private String json(Object event) {
        try {
            return codec.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
