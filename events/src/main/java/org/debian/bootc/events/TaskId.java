package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Names one build task (one source package on one architecture in one compose); attempts share it. */
public record TaskId(String value) {

    /** The JSON Schema pattern; at most {@value Identifiers#MAX_LENGTH} characters. */
    public static final String REGEX = Identifiers.REGEX;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public TaskId {
        Identifiers.check("TaskId", value);
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
