package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a completed task ended (debusine's work request results). Wire names are lower-case.
 * {@code failure} is the package's fault, {@code error} the infrastructure's,
 * {@code skipped} means an unchanged package was not rebuilt.
 */
public enum TaskResult {
    SUCCESS("success"),
    FAILURE("failure"),
    ERROR("error"),
    SKIPPED("skipped");

    private final String wireName;

    TaskResult(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static TaskResult fromWireName(String wireName) {
        return WireNames.lookup(TaskResult.class, values(), TaskResult::wireName, wireName);
    }
}
