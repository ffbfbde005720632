package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/**
 * Names one compose request. The requester chooses it (a UUID is fine), so it can
 * retry a request idempotently and find the answer on {@code compose-status}
 * before the planner has assigned a {@link ComposeId}.
 */
public record RequestId(String value) {

    /** The JSON Schema pattern; at most {@value Identifiers#MAX_LENGTH} characters. */
    public static final String REGEX = Identifiers.REGEX;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public RequestId {
        Identifiers.check("RequestId", value);
    }

    /** A new random (UUID) request id. */
    public static RequestId random() {
        return new RequestId(UUID.randomUUID().toString());
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
