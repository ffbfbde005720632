package org.debian.bootc.planner.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.Compose;
import org.debian.bootc.planner.buildorder.BuildPlan;
import org.debian.bootc.planner.manifest.Manifest;
import org.debian.bootc.planner.manifest.ManifestException;
import org.debian.bootc.planner.manifest.ManifestReader;
import org.debian.bootc.planner.manifest.ManifestValidator;
import org.debian.bootc.planner.messaging.Outbox;
import org.debian.bootc.planner.plan.ComposeMetadata;
import org.debian.bootc.planner.plan.ComposePlanning;
import org.debian.bootc.planner.plan.PlanOutcome;
import org.debian.bootc.planner.repository.ComposeRepository;
import org.debian.bootc.planner.repository.MetadataRepository;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * The one validation and planning both intake paths (REST and
 * {@code compose-requested}) share: the manifest's schema and semantic checks, then
 * its checks against the archive, which are the plan itself (apt's resolution, the
 * Sources lookups, the build order). A manifest that passes becomes a STARTED
 * compose with its productmd id, its metadata, {@code compose-planned} and one
 * {@code package-build-queued} per build, all in one transaction (the events through
 * the outbox); one that fails is rejected with every violation found and queues
 * nothing.
 *
 * <p>Planning blocks (downloads, apt), so it runs on a worker thread between two
 * short transactions; the second re-checks that the request is still new.
 */
@ApplicationScoped
public class ComposeIntake {

    /** Manifest pointers are relative to the manifest; in a request they sit under this member. */
    public static final String MANIFEST_POINTER = "/manifest";
    /** Timer of planning a request (docs/observability.md). */
    public static final String PLANNING_TIMER = "bootc.planner.planning";
    private static final Logger LOG = Logger.getLogger(ComposeIntake.class);

    private final ComposeRepository composes;
    private final MetadataRepository metadata;
    private final Outbox outbox;
    private final ComposePlanning planning;
    private final Vertx vertx;
    private final ManifestReader reader;
    private final Clock clock;
    private final EventCodec codec;
    private final MeterRegistry registry;

    public ComposeIntake(ComposeRepository composes, MetadataRepository metadata, Outbox outbox,
            ComposePlanning planning, Vertx vertx, EventCodec codec, MeterRegistry registry) {
        this.registry = registry;
        this.composes = composes;
        this.metadata = metadata;
        this.outbox = outbox;
        this.planning = planning;
        this.vertx = vertx;
        this.codec = codec;
        this.clock = Clock.systemUTC();
        this.reader = new ManifestReader(new ManifestValidator(List.of(), clock));
    }

    /**
     * Validates, plans and starts (or rejects) a request. Call it on a Vert.x context,
     * outside any transaction: it opens its own.
     *
     * @param trace the compose's trace: the request's {@code traceparent}, or a new trace;
     *        every event the request causes carries it (docs/observability.md)
     * @param claim run first inside the deciding transaction; {@code false} means the
     *        event was processed before, and nothing is done (the inbox of the topic path)
     * @throws org.debian.bootc.planner.plan.PlanningUnavailable (as the Uni's failure) when the
     *         archive cannot be reached: the request is neither started nor rejected
     */
    public Uni<IntakeOutcome> accept(ComposeRequested request, TraceParent trace, Supplier<Uni<Boolean>> claim) {
        String requestId = request.requestId().value();
        return Panache.withSession(() -> composes.findByRequestId(requestId)).chain(existing -> {
            if (existing != null) {
                // The same request under a new event id: the request id is the natural key.
                LOG.infof("request %s is already compose %s; not started again", requestId, existing.composeId);
                return Panache.withTransaction(claim::get)
                        .replaceWith(new IntakeOutcome.AlreadyStarted(new ComposeId(existing.composeId)));
            }
            Manifest manifest;
            try {
                manifest = reader.fromJson(request.manifest());
            } catch (ManifestException e) {
                return rejectOnce(request, trace, claim, e.violations());
            }
            return vertx.executeBlocking(Uni.createFrom().item(() -> timedPlan(manifest)), false)
                    .chain(outcome -> {
                        if (outcome instanceof PlanOutcome.Refused refused) {
                            return rejectOnce(request, trace, claim, refused.violations());
                        }
                        return startOnce(request, trace, claim, manifest, (PlanOutcome.Planned) outcome);
                    });
        });
    }

    /** Plans, timing it as {@code bootc.planner.planning} with the outcome as a tag. */
    private PlanOutcome timedPlan(Manifest manifest) {
        Timer.Sample sample = Timer.start(registry);
        String outcome = "unavailable";
        try {
            PlanOutcome planned = planning.plan(manifest);
            outcome = planned instanceof PlanOutcome.Refused ? "refused" : "planned";
            return planned;
        } finally {
            sample.stop(Timer.builder(PLANNING_TIMER)
                    .description("Time to plan a compose request: package set, build order, metadata")
                    .tag("outcome", outcome).register(registry));
        }
    }

    /** The most violations a rejection lists; the reason gives the count of the rest. */
    public static final int LISTED_VIOLATIONS = 100;

    /** The reason of a rejection with {@code total} violations, saying how many are not listed. */
    public static String rejectionReason(int total) {
        return "the manifest has " + total + " violation(s)" + (total > LISTED_VIOLATIONS
                ? "; the first " + LISTED_VIOLATIONS + " are listed, " + (total - LISTED_VIOLATIONS) + " more are not"
                : "");
    }

    private Uni<IntakeOutcome> rejectOnce(ComposeRequested request, TraceParent trace, Supplier<Uni<Boolean>> claim,
            List<Violation> manifestViolations) {
        int total = manifestViolations.size();
        // a rejection always fits in one event: 20,000 unknown package names are 20,000 violations
        List<Violation> violations = manifestViolations.stream().limit(LISTED_VIOLATIONS)
                .map(v -> new Violation(MANIFEST_POINTER + v.pointer(), v.value(), v.reason())).toList();
        return Panache.withTransaction(() -> claim.get().chain(first -> {
            if (!first) {
                return Uni.createFrom().item(new IntakeOutcome.Duplicate());
            }
            LOG.infof("request %s rejected: %d violation(s), first %s", request.requestId().value(), total,
                    violations.get(0));
            return outbox.enqueue(new ComposeStatusChanged(null, request.requestId(), null, ComposeStatus.REJECTED,
                    rejectionReason(total), violations), trace)
                    .replaceWith(new IntakeOutcome.Rejected(violations, total));
        }));
    }

    private Uni<IntakeOutcome> startOnce(ComposeRequested request, TraceParent trace, Supplier<Uni<Boolean>> claim,
            Manifest manifest,
            PlanOutcome.Planned planned) {
        return Panache.withTransaction(() -> claim.get().chain(first -> {
            if (!first) {
                return Uni.createFrom().item(new IntakeOutcome.Duplicate());
            }
            return composes.findByRequestId(request.requestId().value()).chain(existing -> {
                if (existing != null) {
                    return Uni.createFrom().item(new IntakeOutcome.AlreadyStarted(new ComposeId(existing.composeId)));
                }
                LocalDate today = LocalDate.now(clock);
                return composes.nextRespin(manifest.name(), manifest.version(), today, manifest.type())
                        .chain(respin -> start(request, trace, manifest, planned, today, respin));
            });
        }));
    }

    private Uni<IntakeOutcome> start(ComposeRequested request, TraceParent trace, Manifest manifest, PlanOutcome.Planned planned,
            LocalDate date, int respin) {
        ComposeId id = ComposeId.of(manifest.name(), manifest.version(), date, manifest.type(), respin);
        BuildPlan builds = planned.buildPlan(id);
        ComposePlan plan = ComposeMetadata.plan(manifest, planned.packageSet());
        Compose compose = new Compose();
        compose.composeId = id.value();
        compose.requestId = request.requestId().value();
        compose.name = manifest.name();
        compose.version = manifest.version();
        compose.composeType = manifest.type().wireName();
        compose.composeDate = date;
        compose.respin = respin;
        compose.status = ComposeStatus.STARTED.name();
        compose.statusReason = "compose request accepted";
        compose.manifest = request.manifest().toString();
        compose.plan = PlanJson.write(codec, plan);
        compose.requestedBy = request.requestedBy();
        compose.traceparent = trace.toString();
        compose.createdAt = Instant.now(clock);
        compose.updatedAt = compose.createdAt;
        List<PackageBuildQueued> queued = builds.toEvents(planned.packageSet().archive().toString());
        List<TaskId> tasks = queued.stream().map(PackageBuildQueued::taskId).toList();
        LOG.infof("request %s accepted as compose %s: %d build(s) queued", compose.requestId, id.value(),
                queued.size());
        List<Supplier<Uni<?>>> writes = new ArrayList<>();
        writes.add(() -> metadata.put(id.value(), ComposeMetadata.COMPOSEINFO,
                ComposeMetadata.composeInfo(id, manifest, date, respin, planned.packageSet(), builds)));
        writes.add(() -> metadata.put(id.value(), ComposeMetadata.PACKAGES,
                ComposeMetadata.packages(planned.packageSet())));
        writes.add(() -> metadata.put(id.value(), ComposeMetadata.IMAGES, ComposeMetadata.images(id, List.of())));
        writes.add(() -> outbox.enqueue(new ComposeStatusChanged(id, request.requestId(), null,
                ComposeStatus.STARTED, compose.statusReason, List.of()), trace));
        writes.add(() -> outbox.enqueue(new ComposePlanned(id, tasks, plan), trace));
        queued.forEach(event -> writes.add(() -> outbox.enqueue(event, trace)));
        // flushed at once: the metadata rows reference it through native inserts
        Uni<?> chain = composes.persistAndFlush(compose);
        for (Supplier<Uni<?>> write : writes) {
            chain = chain.chain(write::get);
        }
        return chain.replaceWith(new IntakeOutcome.Started(id));
    }
}
