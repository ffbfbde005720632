package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Names one chroot-executor instance (e.g. its pod or host name). */
public record ExecutorId(String value) {

    /** The JSON Schema pattern; at most {@value Identifiers#MAX_LENGTH} characters. */
    public static final String REGEX = Identifiers.REGEX;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public ExecutorId {
        Identifiers.check("ExecutorId", value);
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
