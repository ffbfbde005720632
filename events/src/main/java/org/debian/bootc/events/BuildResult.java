package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How one build attempt ended. Wire names are lower-case. {@code failure}: the
 * package did not build (dpkg-buildpackage or build-deps failed); {@code error}:
 * the executor or its infrastructure failed, so a retry may succeed.
 */
public enum BuildResult {
    SUCCESS("success"),
    FAILURE("failure"),
    ERROR("error");

    private final String wireName;

    BuildResult(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static BuildResult fromWireName(String wireName) {
        return WireNames.lookup(BuildResult.class, values(), BuildResult::wireName, wireName);
    }
}
