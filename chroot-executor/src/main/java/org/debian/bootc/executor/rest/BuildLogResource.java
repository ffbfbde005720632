package org.debian.bootc.executor.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.service.BuildService;

/**
 * The build log of an attempt while it runs (and after): {@code GET
 * /builds/{taskId}/{attempt}/log?offset=N} returns the bytes from {@code offset}
 * on (at most 1 MiB), with {@code X-Next-Offset} to ask from next and
 * {@code X-Build-Running} saying whether more will come, so a dashboard or
 * {@code curl} in a loop follows it as {@code tail -f} would.
 */
@jakarta.ws.rs.Path("/builds/{taskId}/{attempt}/log")
public class BuildLogResource {

    static final int MAX_CHUNK = 1024 * 1024;

    private final BuildService builds;

    public BuildLogResource(BuildService builds) {
        this.builds = builds;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response log(@PathParam("taskId") String taskId, @PathParam("attempt") String attempt,
            @QueryParam("offset") @DefaultValue("0") String offset) {
        TaskId task;
        try {
            task = new TaskId(taskId);
        } catch (IllegalArgumentException e) {
            return bad("taskId '" + taskId + "': " + e.getMessage());
        }
        int n;
        try {
            n = Integer.parseInt(attempt);
        } catch (NumberFormatException e) {
            return bad("attempt '" + attempt + "' is not a number");
        }
        if (n < 1) {
            return bad("attempt " + n + " must be at least 1");
        }
        long from;
        try {
            from = Long.parseLong(offset);
        } catch (NumberFormatException e) {
            return bad("offset '" + offset + "' is not a number");
        }
        if (from < 0) {
            return bad("offset " + from + " must not be negative");
        }
        Path file = builds.logFile(task, n);
        boolean running = builds.isRunning(task, n);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long start = Math.min(from, size);
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(MAX_CHUNK, size - start));
            while (chunk.hasRemaining() && channel.read(chunk, start + chunk.position()) > 0) {
                // until the chunk is full
            }
            return Response.ok(new String(chunk.array(), 0, chunk.position(), StandardCharsets.UTF_8))
                    .header("X-Next-Offset", start + chunk.position())
                    .header("X-Build-Running", running)
                    .build();
        } catch (NoSuchFileException e) {
            return Response.status(Response.Status.NOT_FOUND).type(MediaType.TEXT_PLAIN)
                    .entity("no log of task " + task + " attempt " + n + " on this executor\n").build();
        } catch (IOException e) {
            return Response.serverError().type(MediaType.TEXT_PLAIN)
                    .entity("cannot read the log of task " + task + " attempt " + n + ": " + e.getMessage() + "\n")
                    .build();
        }
    }

    private static Response bad(String message) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(message + "\n").build();
    }
}
