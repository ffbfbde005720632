package org.debian.bootc.planner.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.Compose;
import org.debian.bootc.planner.messaging.Outbox;
import org.debian.bootc.planner.repository.ComposeRepository;

import io.smallrye.mutiny.Uni;

/**
 * Turns an accepted compose request into a compose: assigns its productmd id and
 * records it as STARTED, or rejects the request with every violation it found. Runs
 * inside the caller's transaction; the status event goes out through the outbox.
 */
@ApplicationScoped
public class ComposeIntake {

    private static final Logger LOG = Logger.getLogger(ComposeIntake.class);

    private final ComposeRepository composes;
    private final Outbox outbox;
    private final Clock clock;

    public ComposeIntake(ComposeRepository composes, Outbox outbox) {
        this.composes = composes;
        this.outbox = outbox;
        this.clock = Clock.systemUTC();
    }

    public Uni<Void> accept(ComposeRequested request) {
        String requestId = request.requestId().value();
        return composes.findByRequestId(requestId).chain(existing -> {
            if (existing != null) {
                // The same request under a new event id: the request id is the natural key.
                LOG.infof("request %s is already compose %s; not started again", requestId, existing.composeId);
                return Uni.createFrom().voidItem();
            }
            List<Violation> violations = new ArrayList<>();
            ComposeType type = composeType(request.manifest(), violations);
            String name = request.manifest().path("name").asText();
            String version = request.manifest().path("version").asText();
            if (!violations.isEmpty()) {
                return reject(request, violations);
            }
            LocalDate today = LocalDate.now(clock);
            return composes.nextRespin(name, version, today, type).chain(respin -> {
                ComposeId id;
                try {
                    id = ComposeId.of(name, version, today, type, respin);
                } catch (IllegalArgumentException e) {
                    return reject(request, List.of(new Violation("/manifest/name", name + " " + version,
                            "name and version do not form a productmd compose id: " + e.getMessage())));
                }
                return start(request, id, type, today, respin);
            });
        });
    }

    private Uni<Void> start(ComposeRequested request, ComposeId id, ComposeType type, LocalDate date, int respin) {
        Compose compose = new Compose();
        compose.composeId = id.value();
        compose.requestId = request.requestId().value();
        compose.name = request.manifest().path("name").asText();
        compose.version = request.manifest().path("version").asText();
        compose.composeType = type.wireName();
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
                .replaceWithVoid();
    }

    private Uni<Void> reject(ComposeRequested request, List<Violation> violations) {
        LOG.infof("request %s rejected: %s", request.requestId().value(), violations);
        return outbox.enqueue(new ComposeStatusChanged(null, request.requestId(), null, ComposeStatus.REJECTED,
                "the manifest has " + violations.size() + " violation(s)", violations)).replaceWithVoid();
    }

    private static ComposeType composeType(ObjectNode manifest, List<Violation> violations) {
        JsonNode node = manifest.get("type");
        if (node == null || node.isNull()) {
            return ComposeType.PRODUCTION;
        }
        if (node.isTextual()) {
            try {
                return ComposeType.fromWireName(node.asText());
            } catch (IllegalArgumentException unknown) {
                // reported below
            }
        }
        violations.add(new Violation("/manifest/type", node.toString(),
                "compose type must be one of production, nightly, test, ci"));
        return ComposeType.PRODUCTION;
    }
}
