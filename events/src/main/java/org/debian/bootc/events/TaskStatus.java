package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a task is in its lifecycle (debusine's work request statuses); how it
 * ended is its {@link TaskResult}. Wire names are lower-case.
 */
public enum TaskStatus {
    PENDING("pending"),
    BLOCKED("blocked"),
    RUNNING("running"),
    COMPLETED("completed"),
    ABORTED("aborted");

    private final String wireName;

    TaskStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static TaskStatus fromWireName(String wireName) {
        return WireNames.lookup(TaskStatus.class, values(), TaskStatus::wireName, wireName);
    }
}
