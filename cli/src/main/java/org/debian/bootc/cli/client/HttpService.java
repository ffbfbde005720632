package org.debian.bootc.cli.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.config.Setting;

/**
 * One service's REST API over the JDK's HTTP client. A service that does not answer
 * becomes exit code 3 with the URL and where it was configured; every answer,
 * good or bad, is returned for the caller to judge.
 */
public class HttpService {

    /** An answer: status, body as text, and the headers the log API uses. */
    public record Reply(int status, String body, HttpResponse<String> raw) {

        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Setting base;
    private final String hint;
    private final HttpClient http;
    private final Duration requestTimeout;

    /**
     * @param name the service, e.g. "compose-planner"
     * @param base its base URL and where it came from
     * @param hint what to set to point elsewhere, e.g. "--planner or BOOTC_PLANNER_URL"
     */
    public HttpService(String name, Setting base, String hint, Duration requestTimeout) {
        this.name = name;
        this.base = base;
        this.hint = hint;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public String name() {
        return name;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(requestTimeout).GET());
    }

    public Reply post(String path, String body, String contentType, Optional<String> bearer) {
        return post(path, body, contentType, bearer, requestTimeout);
    }

    /** A POST that may take longer than other calls (the planner plans before it answers a submit). */
    public Reply post(String path, String body, String contentType, Optional<String> bearer, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", contentType);
        bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return send(request);
    }

    URI uri(String path) {
        String root = base.value().endsWith("/") ? base.value().substring(0, base.value().length() - 1) : base.value();
        return URI.create(root + path);
    }

    private Reply send(HttpRequest.Builder request) {
        HttpRequest built = request.header("Accept", "application/json, application/problem+json, text/plain").build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() >= 500) {
                throw CliException.unreachable(name + " at " + base.value() + " failed to answer " + built.method()
                        + " " + built.uri().getPath() + ": HTTP " + response.statusCode() + " " + detail(response.body()),
                        null);
            }
            return new Reply(response.statusCode(), response.body(), response);
        } catch (HttpTimeoutException e) {
            throw CliException.unreachable(name + " at " + base.value() + " (from " + base.origin()
                    + ") did not answer " + built.method() + " " + built.uri().getPath() + " within "
                    + built.timeout().orElse(requestTimeout).toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw CliException.unreachable(name + " at " + base.value() + " (from " + base.origin()
                    + ") does not answer: connection refused; is it running? (point elsewhere with " + hint + ")", e);
        } catch (IOException e) {
            throw CliException.unreachable(name + " at " + base.value() + " (from " + base.origin()
                    + ") cannot be reached: " + e + " (point elsewhere with " + hint + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while waiting for " + name, e);
        }
    }

    /** The one line a problem answer carries: problem+json detail/title, the scheduler's error, or the text. */
    public static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                for (String field : new String[] { "detail", "error", "message", "title" }) {
                    if (node.hasNonNull(field)) {
                        return node.get(field).asText();
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: the text itself
        }
        String text = body.strip();
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    public static JsonNode json(Reply reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (IOException e) {
            throw new CliException(org.debian.bootc.cli.ExitCodes.UNREACHABLE,
                    "the answer is not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
