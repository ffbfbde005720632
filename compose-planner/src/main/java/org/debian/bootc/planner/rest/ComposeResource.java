package org.debian.bootc.planner.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.Violation;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.planner.Compose;
import org.debian.bootc.planner.manifest.ManifestException;
import org.debian.bootc.planner.manifest.ManifestReader;
import org.debian.bootc.planner.manifest.MediaKind;
import org.debian.bootc.planner.repository.ComposeRepository;
import org.debian.bootc.planner.repository.MetadataRepository;
import org.debian.bootc.planner.plan.ComposeMetadata;
import org.debian.bootc.planner.plan.PlanningUnavailable;
import org.debian.bootc.planner.service.ComposeIntake;
import org.debian.bootc.planner.service.ComposeTraces;
import org.debian.bootc.planner.service.IntakeOutcome;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/**
 * Compose intake over HTTP: the same validation as the {@code compose-requested}
 * topic ({@link ComposeIntake}). {@code 202} with the compose id and its
 * {@code Location}; an invalid manifest gets {@code application/problem+json} listing
 * every violation (JSON pointer into the manifest, value, reason).
 */
@Path("/composes")
public class ComposeResource {

    static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM_BASE = "https://deb-bootc-compose.debian.org/problems/";

    private final ComposeIntake intake;
    private final ComposeRepository composes;
    private final OutboxRelay relay;
    private final MetadataRepository metadata;
    private final ManifestReader reader = new ManifestReader();

    public ComposeResource(ComposeIntake intake, ComposeRepository composes, MetadataRepository metadata,
            OutboxRelay relay) {
        this.metadata = metadata;
        this.intake = intake;
        this.composes = composes;
        this.relay = relay;
    }

    /** A compose as GET shows it. */
    public record ComposeView(String composeId, String requestId, String name, String version, String type,
            String status, String statusReason, String outcome, Instant createdAt, Instant updatedAt) {

        static ComposeView of(Compose c) {
            return new ComposeView(c.composeId, c.requestId, c.name, c.version, c.composeType, c.status,
                    c.statusReason, c.outcome, c.createdAt, c.updatedAt);
        }
    }

    @POST
    @Consumes({ "application/yaml", "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON })
    @Produces({ MediaType.APPLICATION_JSON, PROBLEM_JSON })
    public Uni<Response> submit(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(CloudEventHeaders.TRACEPARENT) String traceparent) {
        MediaKind kind = MediaKind.fromContentType(contentType).orElse(MediaKind.YAML);
        JsonNode manifest;
        try {
            manifest = reader.parse(body, kind);
        } catch (ManifestException e) {
            return Uni.createFrom().item(invalid(e.violations()));
        }
        if (!(manifest instanceof ObjectNode object)) {
            return Uni.createFrom().item(invalid(List.of(new Violation("", manifest.toString(),
                    "a manifest is a mapping (name: …, version: …), not a " + manifest.getNodeType()))));
        }
        ComposeRequested request = new ComposeRequested(RequestId.random(), object, "rest");
        return intake.accept(request, ComposeTraces.continueOrStart(traceparent, request.requestId().value()),
                () -> Uni.createFrom().item(true))
                .invoke(relay::wake)
                .map(outcome -> respond(outcome, request))
                .onFailure(PlanningUnavailable.class).recoverWithItem(e -> problem(503, "archive-unavailable",
                        "The Debian archive cannot be reached", e.getMessage() + "; nothing was queued, try again",
                        Map.of()));
    }

    @GET
    @Path("{id}")
    @Produces({ MediaType.APPLICATION_JSON, PROBLEM_JSON })
    @WithSession
    public Uni<Response> get(@PathParam("id") String id) {
        return composes.findById(id).map(compose -> Optional.ofNullable(compose)
                .map(c -> Response.ok(ComposeView.of(c), MediaType.APPLICATION_JSON).build())
                .orElseGet(() -> problem(404, "no-such-compose", "No such compose",
                        "no compose has the id '" + id + "'", Map.of())));
    }

    /** A compose's metadata file: composeinfo.json, packages.json or images.json (productmd's layout). */
    @GET
    @Path("{id}/metadata/{file}")
    @Produces({ MediaType.APPLICATION_JSON, PROBLEM_JSON })
    @WithSession
    public Uni<Response> metadata(@PathParam("id") String id, @PathParam("file") String file) {
        if (!ComposeMetadata.FILES.contains(file)) {
            return Uni.createFrom().item(problem(404, "no-such-metadata", "No such metadata file",
                    "'" + file + "' is not one of " + ComposeMetadata.FILES, Map.of()));
        }
        return metadata.get(id, file).map(content -> content == null
                ? problem(404, "no-such-compose", "No such compose", "no compose has the id '" + id + "'", Map.of())
                : Response.ok(content, MediaType.APPLICATION_JSON).build());
    }

    private static Response respond(IntakeOutcome outcome, ComposeRequested request) {
        if (outcome instanceof IntakeOutcome.Started started) {
            return accepted(started.composeId().value(), request);
        }
        if (outcome instanceof IntakeOutcome.AlreadyStarted again) {
            return accepted(again.composeId().value(), request);
        }
        if (outcome instanceof IntakeOutcome.Duplicate) {
            throw new IllegalStateException("a REST request has no event id to repeat");
        }
        // REST reports pointers into the manifest it was given, not into the request event.
        IntakeOutcome.Rejected rejected = (IntakeOutcome.Rejected) outcome;
        return invalid(rejected.violations().stream()
                .map(v -> new Violation(v.pointer().substring(ComposeIntake.MANIFEST_POINTER.length()), v.value(),
                        v.reason()))
                .toList(), rejected.total());
    }

    private static Response accepted(String composeId, ComposeRequested request) {
        return Response.accepted(Map.of("composeId", composeId, "requestId", request.requestId().value(),
                "status", "STARTED"))
                .location(URI.create("/composes/" + composeId))
                .type(MediaType.APPLICATION_JSON).build();
    }

    private static Response invalid(List<Violation> violations) {
        return invalid(violations, violations.size());
    }

    private static Response invalid(List<Violation> violations, int total) {
        return problem(400, "invalid-manifest", "The manifest is invalid",
                total + (total == 1 ? " violation" : " violations")
                        + (total > violations.size() ? " (the first " + violations.size() + " listed)" : "")
                        + "; nothing was queued",
                Map.of("violations", violations));
    }

    static Response problem(int status, String type, String title, String detail, Map<String, Object> extra) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("type", PROBLEM_BASE + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extra);
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
