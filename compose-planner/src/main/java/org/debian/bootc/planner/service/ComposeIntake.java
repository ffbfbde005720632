package org.debian.bootc.planner.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.Compose;
import org.debian.bootc.planner.manifest.Manifest;
import org.debian.bootc.planner.manifest.ManifestException;
import org.debian.bootc.planner.manifest.ManifestReader;
import org.debian.bootc.planner.manifest.ManifestValidator;
import org.debian.bootc.planner.messaging.Outbox;
import org.debian.bootc.planner.repository.ComposeRepository;

import io.smallrye.mutiny.Uni;

/**
 * The one validation both intake paths (REST and {@code compose-requested}) share:
 * validates the manifest, then assigns the productmd compose id and records the
 * compose as STARTED, or rejects the request with every violation it found. Runs
 * inside the caller's transaction; the status event goes out through the outbox.
 */
@ApplicationScoped
public class ComposeIntake {

    /** Manifest pointers are relative to the manifest; in a request they sit under this member. */
    public static final String MANIFEST_POINTER = "/manifest";
    private static final Logger LOG = Logger.getLogger(ComposeIntake.class);

    private final ComposeRepository composes;
    private final Outbox outbox;
    private final ManifestReader reader;
    private final Clock clock;

    public ComposeIntake(ComposeRepository composes, Outbox outbox) {
        this.composes = composes;
        this.outbox = outbox;
        this.clock = Clock.systemUTC();
        this.reader = new ManifestReader(new ManifestValidator(List.of(), clock));
    }

    public Uni<IntakeOutcome> accept(ComposeRequested request) {
        String requestId = request.requestId().value();
        return composes.findByRequestId(requestId).chain(existing -> {
            if (existing != null) {
                // The same request under a new event id: the request id is the natural key.
                LOG.infof("request %s is already compose %s; not started again", requestId, existing.composeId);
                return Uni.createFrom().item(new IntakeOutcome.AlreadyStarted(new ComposeId(existing.composeId)));
            }
            Manifest manifest;
            try {
                manifest = reader.fromJson(request.manifest());
            } catch (ManifestException e) {
                return reject(request, e.violations().stream()
                        .map(v -> new Violation(MANIFEST_POINTER + v.pointer(), v.value(), v.reason())).toList());
            }
            LocalDate today = LocalDate.now(clock);
            return composes.nextRespin(manifest.name(), manifest.version(), today, manifest.type())
                    .chain(respin -> start(request, manifest, ComposeId.of(manifest.name(), manifest.version(), today,
                            manifest.type(), respin), today, respin));
        });
    }

    private Uni<IntakeOutcome> start(ComposeRequested request, Manifest manifest, ComposeId id, LocalDate date,
            int respin) {
        Compose compose = new Compose();
        compose.composeId = id.value();
        compose.requestId = request.requestId().value();
        compose.name = manifest.name();
        compose.version = manifest.version();
        compose.composeType = manifest.type().wireName();
        compose.composeDate = date;
        compose.respin = respin;
        compose.status = ComposeStatus.STARTED.name();
        compose.manifest = request.manifest().toString();
        compose.requestedBy = request.requestedBy();
        compose.createdAt = Instant.now(clock);
        compose.updatedAt = compose.createdAt;
        LOG.infof("request %s accepted as compose %s", compose.requestId, id.value());
        return composes.persist(compose)
                .chain(() -> outbox.enqueue(new ComposeStatusChanged(id, request.requestId(), null,
                        ComposeStatus.STARTED, "compose request accepted", List.of())))
                .replaceWith(new IntakeOutcome.Started(id));
    }

    private Uni<IntakeOutcome> reject(ComposeRequested request, List<Violation> violations) {
        LOG.infof("request %s rejected: %s", request.requestId().value(), violations);
        return outbox.enqueue(new ComposeStatusChanged(null, request.requestId(), null, ComposeStatus.REJECTED,
                "the manifest has " + violations.size() + " violation(s)", violations))
                .replaceWith(new IntakeOutcome.Rejected(violations));
    }
}
