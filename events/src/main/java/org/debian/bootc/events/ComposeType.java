package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Pungi's compose types. Wire names are lower-case ({@code production, nightly,
 * test, ci}); {@link #suffix()} is the part of the {@link ComposeId} after the date.
 */
public enum ComposeType {
    PRODUCTION("production", ""),
    NIGHTLY("nightly", ".n"),
    TEST("test", ".t"),
    CI("ci", ".ci");

    private final String wireName;
    private final String suffix;

    ComposeType(String wireName, String suffix) {
        this.wireName = wireName;
        this.suffix = suffix;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** {@code ""}, {@code ".n"}, {@code ".t"} or {@code ".ci"}. */
    public String suffix() {
        return suffix;
    }

    @JsonCreator
    public static ComposeType fromWireName(String wireName) {
        return WireNames.lookup(ComposeType.class, values(), ComposeType::wireName, wireName);
    }

    static ComposeType fromSuffix(String suffix) {
        for (ComposeType type : values()) {
            if (type.suffix.equals(suffix == null ? "" : suffix)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown compose type suffix " + Texts.quote(suffix));
    }
}
