package org.debian.bootc.scheduler.rest;

import java.util.List;

import jakarta.ws.rs.BadRequestException;
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

import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.repository.TaskRepository.Filter;
import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.service.Views.TaskSummary;
import org.debian.bootc.scheduler.service.TaskLogs;
import org.debian.bootc.scheduler.service.TaskQueries;
import org.debian.bootc.scheduler.service.TaskScheduler;
import org.debian.bootc.scheduler.service.TaskMachine.RetryResult;

import io.smallrye.common.annotation.Blocking;

/** Tasks: list with filters, show with attempts, buildroots and logs, retry as a new attempt. */
@Path("/api/tasks")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class TaskResource {

    private final TaskQueries queries;
    private final TaskScheduler scheduler;
    private final Transactions transactions;
    private final TaskLogs logs;

    public TaskResource(TaskQueries queries, TaskScheduler scheduler, Transactions transactions, TaskLogs logs) {
        this.queries = queries;
        this.scheduler = scheduler;
        this.transactions = transactions;
        this.logs = logs;
    }

    @GET
    public List<TaskSummary> list(@QueryParam("compose") String compose, @QueryParam("status") String status,
            @QueryParam("architecture") String architecture, @QueryParam("limit") @DefaultValue("1000") int limit) {
        String composeText = blankToNull(compose);
        TaskStatus wanted = status(status);
        int checked = Limits.check(limit);
        if (composeText == null) {
            return queries.tasks(new Filter(null, wanted, blankToNull(architecture)), checked);
        }
        return Ids.compose(composeText) // a text that is no compose id matches no task
                .map(id -> queries.tasks(new Filter(id, wanted, blankToNull(architecture)), checked))
                .orElse(List.of());
    }

    @GET
    @Path("{taskId}")
    public Response show(@PathParam("taskId") String taskId) {
        return Ids.task(taskId).flatMap(queries::task).map(d -> Response.ok(d).build())
                .orElseGet(() -> Response.status(404).entity(new Problem("task " + taskId + " is unknown")).build());
    }

    @POST
    @Path("{taskId}/retry")
    @Consumes(MediaType.WILDCARD)
    public Response retry(@PathParam("taskId") String taskId) {
        var id = Ids.task(taskId);
        if (id.isEmpty()) {
            return Response.status(404).entity(new Problem("task " + taskId + " is unknown")).build();
        }
        RetryResult result = transactions.run(sql -> scheduler.retry(sql, id.get(), "the REST API"));
        return switch (result.kind()) {
            case RETRIED -> Response.accepted(new Outcome(result.message())).build();
            case UNKNOWN -> Response.status(404).entity(new Problem(result.message())).build();
            case CONFLICT -> Response.status(409).entity(new Problem(result.message())).build();
        };
    }

    /**
     * A piece of the log of the task's latest attempt, from {@code offset}: plain text, with
     * {@code X-Log-Offset} (where the next piece starts) and {@code X-Log-Complete} (the
     * attempt has ended and everything was read). The dashboard follows a build with it.
     */
    @GET
    @Path("{taskId}/log")
    @Produces(MediaType.TEXT_PLAIN)
    public Response log(@PathParam("taskId") String taskId, @QueryParam("offset") @DefaultValue("0") long offset) {
        var task = Ids.task(taskId).flatMap(queries::task);
        if (task.isEmpty()) {
            return Response.status(404).entity("task " + taskId + " is unknown").build();
        }
        var source = logs.source(task.get());
        if (source.isEmpty()) {
            return Response.status(404).entity("task " + taskId + " has no log yet").build();
        }
        try {
            TaskLogs.Chunk chunk = logs.read(source.get(), offset);
            return Response.ok(chunk.text()).header("X-Log-Offset", chunk.next())
                    .header("X-Log-Complete", chunk.complete())
                    .header("X-Log-Location", source.get().location()).build();
        } catch (TaskLogs.UnreadableLogException e) {
            return Response.status(404).entity(e.getMessage()).header("X-Log-Location", source.get().location())
                    .build();
        }
    }

    static TaskStatus status(String wire) {
        if (wire == null || wire.isBlank()) {
            return null;
        }
        try {
            return TaskStatus.fromWireName(wire);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(Response.status(400).type(MediaType.APPLICATION_JSON)
                    .entity(new Problem("status '" + wire
                            + "' is not a task status: pending, blocked, running, completed or aborted")).build());
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
