package org.debian.bootc.cli.watch;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.events.DiskImage;

/**
 * How the commands show a disk image: its format, where it is and its size, the same
 * whether it comes from an {@code image-committed} event or from {@code images.json}.
 */
public final class DiskLine {

    /** The productmd format of the OCI image entry; every other format in images.json is a disk. */
    private static final String OCI = "oci";

    private DiskLine() {
    }

    /** {@code qcow2 file:///srv/disks/amd64/disk.qcow2 (870.6 MiB)}. */
    public static String of(DiskImage disk) {
        return text(disk.format(), disk.location(), disk.sizeBytes());
    }

    /** The same for an entry of images.json. */
    public static String of(JsonNode entry) {
        return text(entry.path("format").asText(), entry.path("path").asText(), entry.path("size").asLong());
    }

    /** Whether an images.json entry is a disk image rather than the OCI image (older files have no format). */
    public static boolean isDisk(JsonNode entry) {
        String format = entry.path("format").asText("");
        return !format.isEmpty() && !format.equals(OCI);
    }

    /** Bytes in IEC units with one decimal, e.g. {@code 4.0 GiB}; under 1 KiB in bytes. */
    public static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static String text(String format, String location, long bytes) {
        return format + " " + location + " (" + size(bytes) + ")";
    }
}
