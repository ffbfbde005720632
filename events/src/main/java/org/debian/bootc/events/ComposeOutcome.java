package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the build results of a compose allow, by Pungi's failable rules:
 * {@code complete} (everything built), {@code incomplete} (only failable parts
 * failed: the compose can still finish as FINISHED_INCOMPLETE) or {@code doomed}.
 */
public enum ComposeOutcome {
    COMPLETE("complete"),
    INCOMPLETE("incomplete"),
    DOOMED("doomed");

    private final String wireName;

    ComposeOutcome(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ComposeOutcome fromWireName(String wireName) {
        return WireNames.lookup(ComposeOutcome.class, values(), ComposeOutcome::wireName, wireName);
    }
}
