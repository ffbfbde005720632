package org.debian.bootc.events;

/**
 * One disk image the publisher wrote from an architecture's OSTree commit.
 *
 * @param format a {@link DiskFormat} wire name, {@code raw} or {@code qcow2}
 * @param location an absolute URI of the file; {@code file:} for the publisher's local store
 * @param sha256 sha256 of the file's bytes
 * @param sizeBytes the file's size in bytes (for a raw image, the disk's size)
 */
public record DiskImage(String format, String location, String sha256, long sizeBytes) {

    public DiskImage {
        Invariants.text("format", format);
        Invariants.text("location", location);
        Invariants.sha256("sha256", sha256);
        Invariants.atLeast("sizeBytes", sizeBytes, 1);
    }
}
