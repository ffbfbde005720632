package org.debian.bootc.cli.watch;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.events.DiskImage;

/**
 * How the commands show a disk image: its format, where it is, its sha256 and its size in
 * bytes (what a script checks the file against), the same whether it comes from an
 * {@code image-committed} event or from {@code images.json}.
 */
public final class DiskLine {

    /** The productmd format of the OCI image entry; every other format in images.json is a disk. */
    private static final String OCI = "oci";

    private DiskLine() {
    }

    /** {@code qcow2 file:///srv/disks/amd64/disk.qcow2 sha256 <64 hex> 912261120 bytes}. */
    public static String of(DiskImage disk) {
        return text(disk.format(), disk.location(), disk.sha256(), disk.sizeBytes());
    }

    /** The same for an entry of images.json. */
    public static String of(JsonNode entry) {
        return text(entry.path("format").asText(), entry.path("path").asText(),
                entry.path("checksums").path("sha256").asText(), entry.path("size").asLong());
    }

    /** Whether an images.json entry is a disk image rather than the OCI image (older files have no format). */
    public static boolean isDisk(JsonNode entry) {
        String format = entry.path("format").asText("");
        return !format.isEmpty() && !format.equals(OCI);
    }

    private static String text(String format, String location, String sha256, long bytes) {
        return format + " " + location + " sha256 " + sha256 + " " + bytes + " bytes";
    }
}
