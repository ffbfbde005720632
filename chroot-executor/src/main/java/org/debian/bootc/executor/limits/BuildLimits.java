package org.debian.bootc.executor.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * What one build may use. Past a limit the whole build is killed and fails naming it.
 *
 * <p>The defaults are a buildd's: 8 GiB of memory is what Debian's amd64 buildds give a build
 * (big C++ packages link in 4 to 6 GiB); 4096 processes and threads is far above a parallel
 * {@code make -j} on many cores and far below what a fork bomb reaches; 40 GiB of disk holds the
 * biggest of Debian's builds (LibreOffice, Chromium: 20 to 30 GiB of objects).
 *
 * @param memoryBytes memory of all the build's processes together (cgroup {@code memory.limit_in_bytes}
 *        or {@code memory.max})
 * @param maxProcesses processes and threads at once (cgroup {@code pids.max})
 * @param diskBytes blocks written into the buildroot's writable layer and {@code /build}
 * @param checkInterval how often a running build's use is checked
 */
public record BuildLimits(long memoryBytes, long maxProcesses, long diskBytes, Duration checkInterval) {

    public static final BuildLimits DEFAULTS = new BuildLimits(8L << 30, 4096, 40L << 30, Duration.ofSeconds(5));

    public BuildLimits {
        if (memoryBytes < (16L << 20)) {
            throw new IllegalArgumentException("build memory limit " + memoryBytes + " bytes: at least 16 MiB");
        }
        if (maxProcesses < 16) {
            throw new IllegalArgumentException("build process limit " + maxProcesses + ": at least 16");
        }
        if (diskBytes < (16L << 20)) {
            throw new IllegalArgumentException("build disk limit " + diskBytes + " bytes: at least 16 MiB");
        }
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (checkInterval.isNegative() || checkInterval.toMillis() < 100) {
            throw new IllegalArgumentException("limit check interval " + checkInterval + ": at least 100 ms");
        }
    }

    /** {@code bytes} as people read it: {@code 8 GiB}, {@code 256 MiB}, {@code 1.5 GiB}, {@code 900 bytes}. */
    public static String human(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        long whole = Math.round(value);
        return (Math.abs(value - whole) < 0.05 ? Long.toString(whole) : String.format(java.util.Locale.ROOT, "%.1f",
                value)) + " " + units[unit];
    }
}
