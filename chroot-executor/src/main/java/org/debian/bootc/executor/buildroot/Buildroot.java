package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.executor.limits.BuildCgroup;
import org.debian.bootc.executor.limits.BuildLimits;

/**
 * One throw-away chroot for one build attempt, in the manner of osbuild's
 * {@code BuildRoot}: an overlay whose upper directory is this buildroot's own,
 * over a read-only cached base, inside its own user (of subordinate ids), mount,
 * PID, IPC and UTS namespaces (held open by a small "holder" process that is PID 1
 * there). Package code runs in the {@link Sandbox} (bubblewrap, pivoted into the
 * chroot, in namespaces of its own, with no network unless it downloads).
 *
 * <p>{@link #close()} kills the holder, which takes down the whole PID namespace
 * (every process of the build) and the mount namespace (the overlay and every
 * mount made for the build), then removes the upper directory. The holder also
 * exits when this JVM dies (its standard input closes), so a crash leaves no
 * process and no mount behind, only directories that the next start removes.
 */
public final class Buildroot implements AutoCloseable {

    /**
     * The most log one command in the chroot may write (the build's own log is the biggest:
     * LibreOffice's is about 100 MB): past it the command is killed and the build fails, so a
     * build cannot fill the executor's disk with log. Lines are cut at the runner's line limit.
     */
    public static final long LOG_LIMIT_CHARS = 256L << 20;

    private static final Logger LOG = Logger.getLogger(Buildroot.class);

    /**
     * Every program in the buildroot's namespaces runs with {@code no_new_privs}: in root mode the
     * host's root is mapped in the holder's user namespace (for set-up and clean-up), so a set-user-ID
     * root program ({@code mount}) would otherwise run there as that mapped id and refuse to work.
     */
    static final List<String> NO_NEW_PRIVILEGES = List.of("setpriv", "--no-new-privs", "--");

    private final BuildrootId id;
    private final Path dir;
    private final BaseChrootCache.Lease base;
    private final Process holder;
    private final OutputStream holderStdin;
    private final long namespacePid;
    private final ProcessRunner runner;
    private final Sandbox sandbox;
    private final java.util.Optional<BuildCgroup> cgroup;
    private final TreeRemover remover;
    private final Path sharedAptCache;
    private final java.util.Optional<BuildDepsLayers.Layer> layer;
    private final java.util.concurrent.atomic.AtomicInteger staged = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean killed;
    private volatile boolean closed;

    Buildroot(BuildrootId id, Path dir, BaseChrootCache.Lease base, Process holder, long namespacePid,
            String innerUserNamespace, Path seccomp, int builderUid, ProcessRunner runner, TreeRemover remover,
            Path sharedAptCache, java.util.Optional<BuildDepsLayers.Layer> layer,
            java.util.Optional<BuildCgroup> cgroup) {
        this.cgroup = cgroup;
        this.sharedAptCache = sharedAptCache;
        this.layer = layer;
        this.remover = remover;
        this.id = id;
        this.dir = dir;
        this.base = base;
        this.holder = holder;
        this.holderStdin = holder.getOutputStream();
        this.namespacePid = namespacePid;
        this.runner = runner;
        this.sandbox = new Bubblewrap(enter(), BuildrootFactory.SANDBOX_ROOT, innerUserNamespace, seccomp, builderUid);
    }

    public BuildrootId id() {
        return id;
    }

    /** The cached base this buildroot is an overlay of. */
    public BaseChrootCache.Lease base() {
        return base;
    }

    /** The build-deps layer between the base and this buildroot's upper directory, if any. */
    public java.util.Optional<BuildDepsLayers.Layer> layer() {
        return layer;
    }

    /** The host side of {@code /build} in the chroot: sources go in, results come out. */
    public Path buildDir() {
        return dir.resolve("build");
    }

    /** Where the chroot is mounted, as seen inside the buildroot's mount namespace. */
    public Path merged() {
        return dir.resolve("merged");
    }

    /** The overlay's upper directory: everything the build changed in the chroot. */
    public Path upperDir() {
        return dir.resolve("upper");
    }

    /**
     * Writes a file into the chroot as its root (mode 0644, parent directories made):
     * staged in this buildroot's own directory, then copied in by {@code install} inside
     * the namespaces, since in the unprivileged mode the chroot's files belong to
     * subordinate ids this process cannot write.
     */
    public void writeFile(String chrootPath, byte[] content, LogSink log) {
        if (!chrootPath.startsWith("/") || chrootPath.contains("/../")) {
            throw new IllegalArgumentException("a chroot path must be absolute and plain: " + chrootPath);
        }
        Path stage = dir.resolve("staged-" + staged.incrementAndGet());
        try {
            java.nio.file.Files.write(stage, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + chrootPath + " in " + dir, e);
        }
        List<String> argv = new ArrayList<>(enter());
        argv.addAll(List.of("install", "-D", "-m", "0644", "-o", "0", "-g", "0", stage.toString(),
                merged().toString() + chrootPath));
        runner.run(Command.of(argv).withTimeout(Duration.ofMinutes(1)), log);
    }

    /**
     * Adds the packages apt fetched into this buildroot's own archive directory to the
     * shared cache (hard links, made inside the namespaces since in the unprivileged mode
     * they belong to subordinate ids; a name already there is left as it is), so the next
     * build with the same build-deps downloads nothing.
     *
     * @return how many packages were added
     */
    public int shareDownloads(LogSink log) {
        List<String> argv = new ArrayList<>(enter());
        // a plain file only: a maintainer script may have left a link named like a package there
        argv.addAll(List.of("/bin/sh", "-c", "n=0; for f in \"$1\"/*.deb; do [ -f \"$f\" ] && [ ! -L \"$f\" ] || continue; "
                + "t=\"$2/${f##*/}\"; if [ ! -e \"$t\" ] && ln \"$f\" \"$t\" 2>/dev/null; then n=$((n+1)); fi; done; "
                + "echo \"$n\"", "share", dir.resolve("apt").toString(), sharedAptCache.toString()));
        String out = runner.run(Command.of(argv).withTimeout(Duration.ofMinutes(2)), LogSink.NONE).output().strip();
        int added = out.matches("[0-9]+") ? Integer.parseInt(out) : 0;
        if (added > 0) {
            log.line(added + " package(s) added to the shared apt cache");
        }
        return added;
    }

    /**
     * Copies the upper directory (what the build changed in the chroot so far) into
     * {@code target}, an empty directory, with owners, modes, times, extended attributes
     * (the overlay's opaque-directory marks) and whiteouts, inside the namespaces as their
     * root; apt's binary caches, {@code /etc/resolv.conf} and {@code /etc/hostname} are left
     * out (every buildroot writes its own, and apt rebuilds its caches).
     */
    void copyUpperTo(Path target, LogSink log) {
        List<String> argv = new ArrayList<>(enter());
        argv.addAll(List.of("/bin/sh", "-c", "set -e; cp -a --reflink=auto \"$1\"/. \"$2\"/; "
                + "rm -f \"$2\"/var/cache/apt/pkgcache.bin \"$2\"/var/cache/apt/srcpkgcache.bin "
                + "\"$2\"/etc/resolv.conf \"$2\"/etc/hostname", "copy-upper", upperDir().toString(),
                target.toString()));
        runner.run(Command.of(argv).withTimeout(Duration.ofMinutes(10)), log);
    }

    /** Runs a command inside the chroot; see {@link ChrootCommand}. */
    public CommandResult run(ChrootCommand command, LogSink log) {
        return runner.run(toHostCommand(command), log);
    }

    Command toHostCommand(ChrootCommand command) {
        return sandbox.command(command);
    }

    /** What confines the commands run in this buildroot. */
    public Sandbox sandbox() {
        return sandbox;
    }

    /**
     * {@code nsenter} into the holder's user, mount, PID, IPC and UTS namespaces, as the user
     * namespace's root (nsenter's default uid and gid 0 there): for the buildroot's own set-up and
     * clean-up with the host's tools, and, through {@link #sandbox()}, for package code.
     */
    List<String> enter() {
        List<String> argv = new ArrayList<>(cgroup.map(BuildCgroup::enterPrefix).orElse(List.of()));
        argv.addAll(NO_NEW_PRIVILEGES);
        argv.addAll(List.of("nsenter", "--target", Long.toString(namespacePid), "--user", "--mount", "--pid", "--ipc",
                "--uts", "--"));
        return argv;
    }

    /**
     * Which of its limits the build went past, if any: memory or processes (its cgroup's counters)
     * or {@code diskLimit} bytes written into its writable layer and {@code /build}.
     */
    public java.util.Optional<String> limitReached(long diskLimit) {
        java.util.Optional<String> reached = cgroup.flatMap(BuildCgroup::limitReached);
        if (reached.isPresent() || closed) {
            return reached;
        }
        long used;
        try {
            used = diskUsed();
        } catch (CommandFailedException | UncheckedIOException e) {
            return java.util.Optional.empty(); // it is going: nothing to measure
        }
        return used > diskLimit
                ? java.util.Optional.of("disk limit " + BuildLimits.human(diskLimit) + " reached (the build wrote "
                        + BuildLimits.human(used) + " into its buildroot)")
                : java.util.Optional.empty();
    }

    /**
     * The disk blocks (not the apparent sizes: a sparse file costs what it holds) of the writable
     * layer and {@code /build}, by {@code du} inside the namespaces, whose root reads every file.
     */
    long diskUsed() {
        List<String> argv = new ArrayList<>(enter());
        argv.addAll(List.of("du", "--summarize", "--one-file-system", "--block-size=1", "--total", upperDir().toString(),
                buildDir().toString()));
        String out = runner.run(Command.of(argv).capturingStdout().withTimeout(Duration.ofMinutes(1)), LogSink.NONE)
                .stdoutText();
        for (String line : out.lines().toList()) {
            if (line.endsWith("\ttotal") && line.substring(0, line.length() - 6).matches("[0-9]{1,19}")) {
                return Long.parseLong(line.substring(0, line.length() - 6));
            }
        }
        throw new UncheckedIOException(new IOException("du printed no total: " + out.strip()));
    }

    /** Whether {@link #kill()} ran: a command that failed after it failed because of it. */
    public boolean killed() {
        return killed;
    }

    /**
     * Kills every process of the build at once (the PID namespace's init, so the
     * kernel kills the rest) and with them the mount namespace. Safe from any
     * thread, any number of times.
     */
    public void kill() {
        killed = true;
        ProcessHandle.of(namespacePid).ifPresent(ProcessHandle::destroyForcibly);
        holder.destroyForcibly();
        try {
            holder.waitFor(10, TimeUnit.SECONDS);
            ProcessHandle.of(namespacePid).ifPresent(h -> {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
                    LOG.warnf("buildroot %s: its PID namespace init %d did not exit", id, namespacePid);
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the build's processes, drops its mounts, removes its directories and returns the base lease. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            try {
                holderStdin.close();
            } catch (IOException e) {
                // the holder is killed below anyway
            }
            kill();
            cgroup.ifPresent(BuildCgroup::close);
            remover.delete(dir);
        } catch (UncheckedIOException e) {
            LOG.warnf("buildroot %s: %s; the next start removes it", id, e.getMessage());
        } finally {
            layer.ifPresent(BuildDepsLayers.Layer::close);
            base.close();
        }
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
