package org.debian.bootc.executor.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * The cgroup of one build: its memory and process limits, what counts them, and what kills
 * everything in it. Every program of the build joins it itself before it starts
 * ({@link #enterPrefix()}): the build's commands are children of the executor's JVM, not of
 * one process of the build, so the group cannot be inherited from one.
 */
public final class BuildCgroup implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BuildCgroup.class);

    /**
     * Writes its own PID into each {@code cgroup.procs} named before {@code --}, then runs what
     * follows it: every process it then starts is counted in the group.
     */
    static final String ENTER = "for f do if [ \"$f\" = -- ]; then break; fi; echo $$ > \"$f\" || exit 125; shift; done;"
            + " shift; exec \"$@\"";

    private final Cgroups cgroups;
    private final List<Path> dirs;
    private final BuildLimits limits;

    private BuildCgroup(Cgroups cgroups, List<Path> dirs, BuildLimits limits) {
        this.cgroups = cgroups;
        this.dirs = List.copyOf(dirs);
        this.limits = limits;
    }

    static BuildCgroup create(Cgroups cgroups, String name, BuildLimits limits) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}")) {
            throw new IllegalArgumentException("cgroup name '" + name + "' is not a plain name");
        }
        List<Path> dirs = cgroups.version() == 1
                ? List.of(cgroups.memory().resolve(Cgroups.PARENT).resolve(name),
                        cgroups.pids().resolve(Cgroups.PARENT).resolve(name))
                : List.of(cgroups.memory().resolve(Cgroups.PARENT).resolve(name));
        BuildCgroup group = new BuildCgroup(cgroups, dirs, limits);
        try {
            if (cgroups.version() == 2) {
                // the controllers must be enabled for the children of the root and of our parent
                enable(cgroups.memory());
                Files.createDirectories(cgroups.memory().resolve(Cgroups.PARENT));
                enable(cgroups.memory().resolve(Cgroups.PARENT));
            }
            for (Path dir : dirs) {
                Files.createDirectories(dir);
            }
            if (cgroups.version() == 1) {
                write(dirs.get(0).resolve("memory.limit_in_bytes"), limits.memoryBytes());
                // memory and swap together no more than memory alone: the build cannot swap past its limit
                Path memsw = dirs.get(0).resolve("memory.memsw.limit_in_bytes");
                if (Files.exists(memsw)) {
                    write(memsw, limits.memoryBytes());
                }
                write(dirs.get(1).resolve("pids.max"), limits.maxProcesses());
            } else {
                write(dirs.get(0).resolve("memory.max"), limits.memoryBytes());
                Path swap = dirs.get(0).resolve("memory.swap.max");
                if (Files.exists(swap)) {
                    write(swap, 0);
                }
                write(dirs.get(0).resolve("pids.max"), limits.maxProcesses());
            }
            return group;
        } catch (IOException | UncheckedIOException e) {
            group.close();
            throw new UncheckedIOException("cannot make the build's cgroup " + dirs.get(0) + ": " + e.getMessage(),
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    private static void enable(Path dir) throws IOException {
        String enabled = Files.readString(dir.resolve("cgroup.subtree_control"));
        if (!List.of(enabled.strip().split(" ")).containsAll(List.of("memory", "pids"))) {
            Files.writeString(dir.resolve("cgroup.subtree_control"), "+memory +pids");
        }
    }

    private static void write(Path file, long value) throws IOException {
        try {
            Files.writeString(file, Long.toString(value));
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /** An argv prefix: the command after it joins this group before it runs. */
    public List<String> enterPrefix() {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", ENTER, "cgroup"));
        dirs.forEach(d -> argv.add(d.resolve("cgroup.procs").toString()));
        argv.add("--");
        return argv;
    }

    /** The group's directories (one per v1 controller; one in v2). */
    public List<Path> dirs() {
        return dirs;
    }

    /**
     * Which limit the build went past, if any: the kernel's OOM killer ended one of its processes
     * (the memory limit), or a fork was refused at the process limit.
     */
    public Optional<String> limitReached() {
        Path memory = dirs.get(0);
        Path pids = dirs.get(dirs.size() - 1);
        long oomKills = counter(cgroups.version() == 1 ? memory.resolve("memory.oom_control")
                : memory.resolve("memory.events"), "oom_kill");
        if (oomKills > 0) {
            return Optional.of("memory limit " + BuildLimits.human(limits.memoryBytes()) + " reached (the kernel's"
                    + " OOM killer ended " + oomKills + " process" + (oomKills == 1 ? "" : "es") + ")");
        }
        if (counter(pids.resolve("pids.events"), "max") > 0) {
            return Optional.of("process limit " + limits.maxProcesses() + " reached");
        }
        return Optional.empty();
    }

    /** The value of {@code key} in a flat-keyed cgroup file ({@code key value} lines); 0 when absent. */
    static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2 && f[0].equals(key) && f[1].matches("[0-9]{1,18}")) {
                    return Long.parseLong(f[1]);
                }
            }
        } catch (IOException e) {
            // gone, or not this kernel's: nothing counted
        }
        return 0;
    }

    /** The PIDs in the group now. */
    public List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        for (Path dir : dirs) {
            try {
                for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                    if (line.matches("[0-9]+") && !pids.contains(Long.parseLong(line))) {
                        pids.add(Long.parseLong(line));
                    }
                }
            } catch (IOException e) {
                // gone
            }
        }
        return pids;
    }

    /** Kills every process in the group, until none is left or five seconds have passed. */
    public void killAll() {
        Path kill = dirs.get(0).resolve("cgroup.kill");
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Long> left = processes();
            if (left.isEmpty()) {
                return;
            }
            if (System.nanoTime() > until) {
                LOG.warnf("cgroup %s: processes %s did not die", dirs.get(0), left);
                return;
            }
            if (cgroups.version() == 2 && Files.exists(kill)) {
                try {
                    Files.writeString(kill, "1");
                } catch (IOException e) {
                    // fall back to one by one
                }
            }
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            sleep(20);
        }
    }

    /** Kills what is left in the group and removes it. */
    @Override
    public void close() {
        killAll();
        for (Path dir : dirs) {
            remove(dir);
        }
    }

    private static void remove(Path dir) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                // a cgroup directory is removed with rmdir alone: its control files are not files
                Files.deleteIfExists(dir);
                return;
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                // EBUSY while the last processes exit
                if (System.nanoTime() > until) {
                    LOG.warnf("cannot remove cgroup %s: %s", dir, e.getMessage());
                    return;
                }
                sleep(20);
            }
        }
    }

    /**
     * Removes the groups whose names start with {@code prefix} (one executor's: others on the same
     * machine keep theirs), killing what still runs in them.
     */
    public static void removeLeftovers(Cgroups cgroups, String prefix) {
        for (Path root : cgroups.version() == 1 ? List.of(cgroups.memory(), cgroups.pids()) : List.of(cgroups.memory())) {
            Path parent = root.resolve(Cgroups.PARENT);
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> groups = Files.list(parent)) {
                for (Path dir : groups.filter(g -> Files.isDirectory(g) && g.getFileName().toString().startsWith(prefix))
                        .toList()) {
                    new BuildCgroup(cgroups, List.of(dir), BuildLimits.DEFAULTS).close();
                    LOG.infof("removed cgroup %s left by a dead build", dir);
                }
            } catch (IOException e) {
                LOG.warnf("cannot list %s: %s", parent, e.getMessage());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
