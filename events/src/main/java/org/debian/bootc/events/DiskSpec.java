package org.debian.bootc.events;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The disk images to make of one architecture's OSTree commit: a GPT disk (ESP,
 * {@code /boot}, root) with the commit deployed, in each of {@code formats}.
 *
 * @param formats the formats to write, each once, in the manifest's order; wire names of
 *        {@link DiskFormat} ({@code raw}, {@code qcow2}), kept as strings so a consumer
 *        that makes no disks never refuses a format it does not know
 * @param sizeBytes the disk's size in bytes (the manifest's {@code size}, e.g. 4G is
 *        4294967296); at least 1 MiB on the wire, the planner allows 2 GiB to 2 TiB
 * @param kargs kernel arguments of the deployment, in order, besides the {@code root=}
 *        and {@code ostree=} the publisher sets; empty when none
 */
public record DiskSpec(List<String> formats, long sizeBytes, List<String> kargs) {

    /** The smallest size the event schema accepts. */
    public static final long MIN_SIZE_BYTES = 1L << 20;

    private static final Pattern NO_WHITE_SPACE = Pattern.compile("^\\S+$");

    public DiskSpec {
        Invariants.required("formats", formats);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < formats.size(); i++) {
            Invariants.text("formats[" + i + "]", formats.get(i));
            if (!seen.add(formats.get(i))) {
                throw new IllegalArgumentException("formats[" + i + "] " + Texts.quote(formats.get(i))
                        + " is listed twice");
            }
        }
        formats = List.copyOf(formats);
        Invariants.nonEmpty("formats", formats);
        Invariants.atLeast("sizeBytes", sizeBytes, MIN_SIZE_BYTES);
        for (int i = 0; kargs != null && i < kargs.size(); i++) {
            if (!NO_WHITE_SPACE.matcher(Invariants.required("kargs[" + i + "]", kargs.get(i))).matches()) {
                throw new IllegalArgumentException("kargs[" + i + "] " + Texts.quote(kargs.get(i))
                        + " is empty or holds white space; give each kernel argument as its own item");
            }
        }
        kargs = Invariants.optionalList(kargs);
    }

    /**
     * {@link #formats()} as {@link DiskFormat}s, for the one that makes the disks.
     *
     * @throws IllegalArgumentException naming the first format this version does not know
     */
    public List<DiskFormat> knownFormats() {
        return formats.stream().map(DiskFormat::fromWireName).toList();
    }
}
