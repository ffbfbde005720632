package org.debian.bootc.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.config.Setting;

/**
 * compose-planner's REST API: {@code POST /composes}, {@code GET /composes/{id}},
 * {@code GET /composes/{id}/metadata/{file}}.
 */
public class PlannerClient {

    /** A started compose. */
    public record Submitted(String composeId, String requestId) {
    }

    /** A manifest the planner refused: its violations, each "pointer = value: reason". */
    public static final class Rejected extends CliException {
        private static final long serialVersionUID = 1L;
        private final List<String> violations;

        public Rejected(String message, List<String> violations) {
            super(ExitCodes.BAD_INPUT, message);
            this.violations = List.copyOf(violations);
        }

        public List<String> violations() {
            return violations;
        }
    }

    /**
     * The planner resolves the package set against the archive before it answers a submit
     * (the first time it downloads the indices): a submit waits at least this long.
     */
    static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(10);

    private final HttpService http;
    private final Duration submitTimeout;

    public PlannerClient(Setting base, Duration timeout) {
        this.submitTimeout = timeout.compareTo(SUBMIT_TIMEOUT) > 0 ? timeout : SUBMIT_TIMEOUT;
        this.http = new HttpService("compose-planner", base, "--planner, BOOTC_PLANNER_URL or planner.url", timeout);
    }

    /** Reads the manifest and posts it as it is (YAML, or JSON by its .json name). */
    public Submitted submit(Path manifest) {
        String body;
        try {
            body = Files.readString(manifest);
        } catch (NoSuchFileException e) {
            throw CliException.badInput("manifest '" + manifest + "': no such file");
        } catch (IOException e) {
            throw CliException.badInput("manifest '" + manifest + "' cannot be read: " + e.getMessage());
        }
        if (Files.isDirectory(manifest)) {
            throw CliException.badInput("manifest '" + manifest + "' is a directory, not a manifest file");
        }
        if (body.isBlank()) {
            throw CliException.badInput("manifest '" + manifest + "' is empty");
        }
        String type = manifest.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
                ? "application/json" : "application/yaml";
        HttpService.Reply reply = http.post("/composes", body, type, Optional.empty(), submitTimeout);
        if (reply.status() == 202 || reply.status() == 201 || reply.status() == 200) {
            JsonNode json = HttpService.json(reply);
            return new Submitted(json.path("composeId").asText(), json.path("requestId").asText());
        }
        if (reply.status() == 400) {
            List<String> violations = new ArrayList<>();
            JsonNode json = HttpService.json(reply);
            for (JsonNode v : json.path("violations")) {
                violations.add((v.path("pointer").asText().isEmpty() ? "(the manifest)" : v.path("pointer").asText())
                        + (v.hasNonNull("value") ? " = " + v.get("value").asText() : "") + ": "
                        + v.path("reason").asText());
            }
            throw new Rejected("manifest '" + manifest + "' rejected by compose-planner: "
                    + HttpService.detail(reply.body()), violations);
        }
        throw unexpected(reply, "POST /composes");
    }

    /** The compose as the planner shows it; empty when the planner knows no such compose. */
    public Optional<JsonNode> compose(String composeId) {
        HttpService.Reply reply = http.get("/composes/" + composeId);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw unexpected(reply, "GET /composes/" + composeId);
        }
        return Optional.of(HttpService.json(reply));
    }

    /** composeinfo.json, packages.json or images.json; empty when the compose is unknown. */
    public Optional<JsonNode> metadata(String composeId, String file) {
        HttpService.Reply reply = http.get("/composes/" + composeId + "/metadata/" + file);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw unexpected(reply, "GET /composes/" + composeId + "/metadata/" + file);
        }
        return Optional.of(HttpService.json(reply));
    }

    private CliException unexpected(HttpService.Reply reply, String call) {
        return new CliException(ExitCodes.BAD_INPUT, http.name() + " refused " + call + ": HTTP " + reply.status()
                + " " + HttpService.detail(reply.body()));
    }
}
