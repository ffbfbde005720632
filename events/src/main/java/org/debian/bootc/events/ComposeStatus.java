package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Status of a compose. Wire names are upper-case, as Pungi writes them in
 * {@code STATUS}; {@link #REJECTED} is ours: the request was refused before a
 * compose id was assigned.
 */
public enum ComposeStatus {
    STARTED("STARTED"),
    FINISHED("FINISHED"),
    FINISHED_INCOMPLETE("FINISHED_INCOMPLETE"),
    DOOMED("DOOMED"),
    REJECTED("REJECTED");

    private final String wireName;

    ComposeStatus(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ComposeStatus fromWireName(String wireName) {
        return WireNames.lookup(ComposeStatus.class, values(), ComposeStatus::wireName, wireName);
    }
}
