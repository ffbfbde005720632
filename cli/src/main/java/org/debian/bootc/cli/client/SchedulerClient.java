package org.debian.bootc.cli.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.config.Setting;

/**
 * task-scheduler's REST API under {@code /api}: composes with their tasks, cancel,
 * tasks with filters, retry, and the log of a task's latest attempt read from an
 * offset. Mutating calls carry the bearer token.
 */
public class SchedulerClient {

    /** A piece of a task log: text, where the next piece starts, and whether the attempt has ended. */
    public record LogChunk(String text, long next, boolean complete) {
    }

    private final HttpService http;
    private final Optional<Setting> token;

    public SchedulerClient(Setting base, Optional<Setting> token, Duration timeout) {
        this.http = new HttpService("task-scheduler", base, "--scheduler, BOOTC_SCHEDULER_URL or scheduler.url",
                timeout);
        this.token = token;
    }

    /** The compose's summary and tasks; empty when the scheduler knows no such compose. */
    public Optional<JsonNode> compose(String composeId) {
        return found(http.get("/api/composes/" + enc(composeId)), "GET /api/composes/" + composeId);
    }

    /** Cancels the compose's unfinished tasks; returns the scheduler's message. */
    public String cancel(String composeId, String requestedBy, String reason) {
        ObjectNode body = HttpService.JSON.createObjectNode().put("requestedBy", requestedBy);
        if (reason != null) {
            body.put("reason", reason);
        }
        HttpService.Reply reply = http.post("/api/composes/" + enc(composeId) + "/cancel", body.toString(),
                "application/json", token.map(Setting::value));
        return outcome(reply, "compose " + composeId);
    }

    public JsonNode tasks(String compose, String status, String architecture) {
        Map<String, String> query = new LinkedHashMap<>();
        if (compose != null) {
            query.put("compose", compose);
        }
        if (status != null) {
            query.put("status", status);
        }
        if (architecture != null) {
            query.put("architecture", architecture);
        }
        String q = query.isEmpty() ? "" : "?" + query.entrySet().stream()
                .map(e -> e.getKey() + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpService.Reply reply = http.get("/api/tasks" + q);
        if (!reply.ok()) {
            throw new CliException(ExitCodes.BAD_INPUT, "task-scheduler refused the task list: HTTP " + reply.status()
                    + " " + HttpService.detail(reply.body()));
        }
        return HttpService.json(reply);
    }

    /** The task with its attempts; empty when the scheduler knows no such task. */
    public Optional<JsonNode> task(String taskId) {
        return found(http.get("/api/tasks/" + enc(taskId)), "GET /api/tasks/" + taskId);
    }

    /** Asks for a new attempt; returns the scheduler's message. */
    public String retry(String taskId) {
        HttpService.Reply reply = http.post("/api/tasks/" + enc(taskId) + "/retry", "", "application/json",
                token.map(Setting::value));
        return outcome(reply, "task " + taskId);
    }

    /** The log from {@code offset}; empty while the task has no log yet (never dispatched). */
    public Optional<LogChunk> log(String taskId, long offset) {
        HttpService.Reply reply = http.get("/api/tasks/" + enc(taskId) + "/log?offset=" + offset);
        if (reply.status() == 404) {
            if (reply.body() != null && reply.body().contains("is unknown")) {
                throw CliException.badInput("task '" + taskId + "' is unknown to task-scheduler");
            }
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw new CliException(ExitCodes.BAD_INPUT, "task-scheduler refused the log of " + taskId + ": HTTP "
                    + reply.status() + " " + HttpService.detail(reply.body()));
        }
        long next = reply.header("X-Log-Offset").map(Long::parseLong).orElse(offset + reply.body().length());
        boolean complete = reply.header("X-Log-Complete").map(Boolean::parseBoolean).orElse(false);
        return Optional.of(new LogChunk(reply.body(), next, complete));
    }

    private Optional<JsonNode> found(HttpService.Reply reply, String call) {
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw new CliException(ExitCodes.BAD_INPUT, "task-scheduler refused " + call + ": HTTP " + reply.status()
                    + " " + HttpService.detail(reply.body()));
        }
        return Optional.of(HttpService.json(reply));
    }

    private String outcome(HttpService.Reply reply, String what) {
        if (reply.ok()) {
            return HttpService.detail(reply.body());
        }
        String detail = HttpService.detail(reply.body());
        if (reply.status() == 401) {
            throw CliException.badInput("task-scheduler refused the change to " + what + " (HTTP 401): " + detail
                    + (token.isEmpty() ? "; no token is configured: set --token, BOOTC_TOKEN or token in the config file"
                            : "; the token came from " + token.get().origin()));
        }
        if (reply.status() == 404) {
            throw CliException.badInput(what + " is unknown to task-scheduler: " + detail);
        }
        throw CliException.badInput("task-scheduler refused the change to " + what + " (HTTP " + reply.status()
                + "): " + detail);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
