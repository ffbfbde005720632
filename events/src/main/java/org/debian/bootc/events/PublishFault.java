package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Whose fault a failed publish is, which is what a retry decision needs (the
 * publisher's counterpart of {@link BuildResult}'s {@code failure} and {@code error}).
 * {@code input}: the compose's inputs (plan, packages, built artifacts, the tree they
 * make) cannot give an image, so publishing the same inputs again fails the same way;
 * {@code infrastructure}: a tool, the disk, the network, a registry or the publisher's
 * configuration failed, so a retry may succeed.
 */
public enum PublishFault {
    INPUT("input"),
    INFRASTRUCTURE("infrastructure");

    private final String wireName;

    PublishFault(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in the JSON Schema. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Whether publishing the same inputs again may succeed. */
    public boolean retryCanHelp() {
        return this == INFRASTRUCTURE;
    }

    @JsonCreator
    public static PublishFault fromWireName(String wireName) {
        return WireNames.lookup(PublishFault.class, values(), PublishFault::wireName, wireName);
    }
}
