package org.debian.bootc.scheduler.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import org.debian.bootc.scheduler.config.SchedulerConfig;

/**
 * Every call that changes something (anything but GET, HEAD and OPTIONS under
 * {@code /api}) needs {@code Authorization: Bearer <bootc.scheduler.api-token>}.
 * Without it, or with another token, the call is answered 401 before it runs.
 */
public class BearerTokenFilter {

    private static final String PREFIX = "Bearer ";

    private final Optional<String> token;

    public BearerTokenFilter(SchedulerConfig config) {
        this.token = config.apiToken().filter(t -> !t.isBlank());
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request) {
        String method = request.getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
                || !request.getUriInfo().getPath().startsWith("/api")) {
            return Optional.empty();
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String problem;
        if (token.isEmpty()) {
            problem = "no API token is configured (bootc.scheduler.api-token), so no change is accepted";
        } else if (header == null) {
            problem = "the Authorization header is missing: send 'Authorization: Bearer <token>'";
        } else if (!header.startsWith(PREFIX)) {
            problem = "the Authorization header is not a bearer token: send 'Authorization: Bearer <token>'";
        } else if (!MessageDigest.isEqual(header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8),
                token.get().getBytes(StandardCharsets.UTF_8))) {
            problem = "the bearer token is not the configured one";
        } else {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"task-scheduler\"")
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", problem)).build());
    }
}
