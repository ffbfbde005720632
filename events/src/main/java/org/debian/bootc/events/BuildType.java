package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What dpkg-buildpackage builds. Wire names are lower-case, as the
 * {@code --build=} values: {@code any} is {@code -B} (architecture-dependent
 * packages only), {@code all} is {@code -A} (architecture-independent only),
 * {@code binary} is {@code -b} (both, no source package).
 */
public enum BuildType {
    ANY("any"),
    ALL("all"),
    BINARY("binary");

    private final String wireName;

    BuildType(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static BuildType fromWireName(String wireName) {
        return WireNames.lookup(BuildType.class, values(), BuildType::wireName, wireName);
    }

    /** The dpkg-buildpackage option: {@code -B}, {@code -A} or {@code -b}. */
    public String dpkgBuildpackageOption() {
        return switch (this) {
            case ANY -> "-B";
            case ALL -> "-A";
            case BINARY -> "-b";
        };
    }
}
