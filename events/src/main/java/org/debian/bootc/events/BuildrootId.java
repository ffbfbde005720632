package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.UUID;

/** Names one buildroot: the throw-away chroot one build attempt ran in. */
public record BuildrootId(String value) {

    /** The JSON Schema pattern; at most {@value Identifiers#MAX_LENGTH} characters. */
    public static final String REGEX = Identifiers.REGEX;

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public BuildrootId {
        Identifiers.check("BuildrootId", value);
    }

    /** A new random (UUID) buildroot id. */
    public static BuildrootId random() {
        return new BuildrootId(UUID.randomUUID().toString());
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
