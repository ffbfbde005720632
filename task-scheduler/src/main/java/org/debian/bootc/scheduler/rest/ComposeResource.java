package org.debian.bootc.scheduler.rest;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.service.Views.ComposeSummary;
import org.debian.bootc.scheduler.service.TaskQueries;
import org.debian.bootc.scheduler.service.TaskScheduler;
import org.debian.bootc.scheduler.service.TaskMachine.CancelResult;

import io.smallrye.common.annotation.Blocking;

/** Composes: list, show with their tasks, cancel (Koji's cancelTask for a whole compose). */
@Path("/api/composes")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class ComposeResource {

    /** The body of a cancel request; both fields optional. */
    public record CancelRequest(String requestedBy, String reason) {
    }

    private final TaskQueries queries;
    private final TaskScheduler scheduler;
    private final Transactions transactions;

    private final ObjectMapper mapper;
    private final ComposeRepository composes;
    private final EventCodec codec;

    public ComposeResource(TaskQueries queries, TaskScheduler scheduler, Transactions transactions,
            ObjectMapper mapper, ComposeRepository composes, EventCodec codec) {
        this.mapper = mapper;
        this.composes = composes;
        this.codec = codec;
        this.queries = queries;
        this.scheduler = scheduler;
        this.transactions = transactions;
    }

    @GET
    public List<ComposeSummary> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        return queries.composes(Limits.check(limit));
    }

    @GET
    @Path("{composeId}")
    public Response show(@PathParam("composeId") String composeId) {
        return Ids.compose(composeId).flatMap(queries::compose).map(d -> Response.ok(d).build())
                .orElseGet(() -> Response.status(404).entity(new Problem("compose " + composeId + " is unknown")).build());
    }

    /**
     * The compose's hand-off document: exactly the {@code compose-built} payload (every
     * package's result and artifacts, outcome, plan) whether or not it fitted in an event,
     * like Pungi's compose metadata. ETag is its sha256. 409 while the compose is not done.
     */
    @GET
    @Path("{composeId}/results")
    public Response results(@PathParam("composeId") String composeId) {
        Optional<ComposeId> id = Ids.compose(composeId);
        Response response = transactions.run(sql -> {
            Optional<Compose> compose = id.isEmpty() ? Optional.empty() : composes.find(sql, id.get());
            if (compose.isEmpty()) {
                return Response.status(404).entity(new Problem("compose " + composeId + " is unknown")).build();
            }
            if (compose.get().cancelled()) {
                return Response.status(409).entity(new Problem("compose " + composeId + " was cancelled: it has no"
                        + " results to hand off")).build();
            }
            Optional<ComposeBuilt> handoff = scheduler.handOff(sql, compose.get());
            if (handoff.isEmpty()) {
                return Response.status(409).entity(new Problem("compose " + composeId + " is not done: "
                        + (compose.get().planned() ? "some of its tasks are open or have not arrived"
                                : "it is not planned yet (no compose-planned)"))).build();
            }
            byte[] body;
            try {
                body = codec.mapper().writeValueAsBytes(handoff.get());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("compose-built of " + composeId + " cannot be written as JSON", e);
            }
            return Response.ok(body, MediaType.APPLICATION_JSON).tag(sha256(body)).build();
        });
        return response;
    }

    private static String sha256(byte[] body) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @POST
    @Path("{composeId}/cancel")
    @Consumes(MediaType.WILDCARD)
    public Response cancel(@PathParam("composeId") String composeId, String text) {
        CancelRequest body;
        try {
            body = text == null || text.isBlank() ? null : mapper.readValue(text, CancelRequest.class);
        } catch (JsonProcessingException e) {
            return Response.status(400).entity(new Problem("the body is not a JSON object with requestedBy and reason: "
                    + e.getOriginalMessage())).build();
        }
        String by = body == null || body.requestedBy() == null || body.requestedBy().isBlank() ? "the REST API"
                : body.requestedBy();
        String reason = body == null ? null : body.reason();
        Optional<ComposeId> id = Ids.compose(composeId);
        if (id.isEmpty()) {
            return Response.status(404).entity(new Problem("compose " + composeId + " is unknown")).build();
        }
        CancelResult result = transactions.run(sql -> scheduler.cancel(sql, id.get(), by, reason, false));
        return switch (result.kind()) {
            case CANCELLED -> Response.ok(new Outcome(result.message())).build();
            case UNKNOWN -> Response.status(404).entity(new Problem(result.message())).build();
            case ALREADY_CANCELLED, ALREADY_BUILT -> Response.status(409).entity(new Problem(result.message())).build();
        };
    }
}
