package org.debian.bootc.events;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Someone asks for a compose. Written by upstream systems, the CLI and the REST
 * API, read by compose-planner. Keyed by {@code requestId}: the requester cannot
 * know the compose id, the planner assigns it and answers on {@code compose-status}.
 *
 * @param requestId chosen by the requester; asking twice with the same id gives one compose
 * @param manifest the compose manifest; this version of the contract requires a {@code name}
 *        and a {@code version} and passes every other member to the planner
 * @param requestedBy optional: who asked (a user or system name), for the compose metadata
 */
public record ComposeRequested(RequestId requestId, ObjectNode manifest, String requestedBy) implements Event {

    public ComposeRequested {
        Invariants.required("requestId", requestId);
        manifest = Invariants.required("manifest", manifest).deepCopy();
        Invariants.optionalText("requestedBy", requestedBy);
    }

    /** A copy: the record stays immutable. */
    @Override
    public ObjectNode manifest() {
        return manifest.deepCopy();
    }

    @Override
    public String key() {
        return requestId.value();
    }

    @Override
    public EventType<ComposeRequested> eventType() {
        return EventType.COMPOSE_REQUESTED;
    }
}
