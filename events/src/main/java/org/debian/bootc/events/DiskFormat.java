package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The disk image formats the publisher knows, by their wire names: {@code raw}, a
 * plain GPT disk image, and {@code qcow2}, the same converted by {@code qemu-img}.
 * The events carry formats as strings ({@link DiskSpec#formats()},
 * {@link DiskImage#format()}) so that a consumer that does not make disks never
 * refuses an event for a format added later; the one that makes them reads each with
 * {@link #fromWireName(String)} and fails on one it does not know.
 */
public enum DiskFormat {
    RAW("raw"),
    QCOW2("qcow2");

    private final String wireName;

    DiskFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire, in the manifest and in the JSON Schemas. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the value and the known formats */
    @JsonCreator
    public static DiskFormat fromWireName(String wireName) {
        return WireNames.lookup(DiskFormat.class, values(), DiskFormat::wireName, wireName);
    }
}
