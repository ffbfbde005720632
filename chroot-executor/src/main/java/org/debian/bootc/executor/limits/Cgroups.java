package org.debian.bootc.executor.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The machine's cgroup hierarchy, as far as build limits need it: cgroup v1 with the
 * {@code memory} and {@code pids} controllers mounted (as on these machines), or the unified
 * cgroup v2 hierarchy. Each build's group is {@code <root>/deb-bootc-compose/<buildroot id>}.
 *
 * @param version 1 or 2
 * @param memory v1: the {@code memory} controller's mount point; v2: the unified hierarchy
 * @param pids v1: the {@code pids} controller's mount point; v2: the same as {@code memory}
 * @param whyNot empty when this process may make groups there, else why not
 */
public record Cgroups(int version, Path memory, Path pids, Optional<String> whyNot) {

    /** The directory under each controller that holds the builds' groups. */
    public static final String PARENT = "deb-bootc-compose";

    /** This machine's, from {@code /proc/self/mountinfo}. */
    public static Cgroups detect() {
        try {
            return detect(Files.readString(Path.of("/proc/self/mountinfo")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
    }

    /** From the text of a {@code mountinfo}; whether it is usable is checked on this machine's file system. */
    public static Cgroups detect(String mountinfo) {
        Path memory = null;
        Path pids = null;
        Path unified = null;
        for (String line : mountinfo.lines().toList()) {
            // <id> <parent> <dev> <root> <mount point> <options> [optional...] - <type> <source> <super options>
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] head = line.substring(0, dash).split(" ");
            String[] tail = line.substring(dash + 3).split(" ");
            if (head.length < 5 || tail.length < 3) {
                continue;
            }
            Path point = Path.of(unescape(head[4]));
            List<String> options = List.of(tail[2].split(","));
            if (tail[0].equals("cgroup2")) {
                unified = unified == null ? point : unified;
            } else if (tail[0].equals("cgroup")) {
                if (options.contains("memory") && memory == null) {
                    memory = point;
                }
                if (options.contains("pids") && pids == null) {
                    pids = point;
                }
            }
        }
        if (memory != null && pids != null) {
            return new Cgroups(1, memory, pids, check(memory, pids));
        }
        if (unified != null) {
            Optional<String> whyNot = check(unified, unified);
            if (whyNot.isEmpty()) {
                try {
                    String controllers = Files.readString(unified.resolve("cgroup.controllers"));
                    if (!List.of(controllers.strip().split(" ")).containsAll(List.of("memory", "pids"))) {
                        whyNot = Optional.of("the cgroup v2 hierarchy at " + unified + " offers '" + controllers.strip()
                                + "', not both memory and pids");
                    }
                } catch (IOException e) {
                    whyNot = Optional.of("cannot read " + unified.resolve("cgroup.controllers") + ": " + e.getMessage());
                }
            }
            return new Cgroups(2, unified, unified, whyNot);
        }
        Path none = Path.of("/sys/fs/cgroup");
        return new Cgroups(1, none, none, Optional.of("no cgroup v1 memory and pids controllers and no cgroup v2"
                + " hierarchy are mounted"));
    }

    private static Optional<String> check(Path memory, Path pids) {
        for (Path root : List.of(memory, pids)) {
            if (!Files.isDirectory(root)) {
                return Optional.of(root + " is not a directory here");
            }
            if (!Files.isWritable(root)) {
                return Optional.of("this process may not write " + root + " (cgroups here are root's)");
            }
        }
        return Optional.empty();
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    public boolean usable() {
        return whyNot.isEmpty();
    }

    /** Why builds get no memory or process limit here; empty when they do. */
    public String whyNotText() {
        return whyNot.orElse("");
    }

    /** Makes the group of one build with its limits. */
    public BuildCgroup create(String name, BuildLimits limits) {
        return BuildCgroup.create(this, name, limits);
    }
}
