package org.debian.bootc.scheduler.rest;

import java.util.List;

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

import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.rest.Views.ComposeSummary;
import org.debian.bootc.scheduler.rest.Views.Outcome;
import org.debian.bootc.scheduler.rest.Views.Problem;
import org.debian.bootc.scheduler.service.TaskQueries;
import org.debian.bootc.scheduler.service.TaskScheduler;
import org.debian.bootc.scheduler.service.TaskScheduler.CancelResult;

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

    public ComposeResource(TaskQueries queries, TaskScheduler scheduler, Transactions transactions,
            ObjectMapper mapper) {
        this.mapper = mapper;
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
        return queries.compose(composeId).map(d -> Response.ok(d).build())
                .orElseGet(() -> Response.status(404).entity(new Problem("compose " + composeId + " is unknown")).build());
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
        CancelResult result = transactions.run(sql -> scheduler.cancel(sql, composeId, by, reason, false));
        return switch (result.kind()) {
            case CANCELLED -> Response.ok(new Outcome(result.message())).build();
            case UNKNOWN -> Response.status(404).entity(new Problem(result.message())).build();
            case ALREADY_CANCELLED, ALREADY_BUILT -> Response.status(409).entity(new Problem(result.message())).build();
        };
    }
}
