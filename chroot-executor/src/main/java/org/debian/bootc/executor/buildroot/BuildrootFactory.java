package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.fs.Mounts;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.executor.failure.Diagnosis;
import org.debian.bootc.executor.failure.RootError;

/**
 * Makes {@link Buildroot}s under {@code <dir>/<buildroot id>/} ({@code upper},
 * {@code work}, {@code merged}, {@code build}) and, at start-up, removes what
 * the buildroots of a dead process left there.
 *
 * <p>In {@link IsolationMode#ROOT} the service makes the namespaces and mounts
 * itself. In {@link IsolationMode#UNPRIVILEGED} a {@link UserNamespace} (the user's
 * subuid/subgid ranges) is made first and the others inside it; the overlay is then
 * mounted with {@code userxattr}, and what the namespace's root wrote (owned by
 * subordinate ids) is removed from inside such a namespace.
 */
public final class BuildrootFactory {

    private static final Logger LOG = Logger.getLogger(BuildrootFactory.class);

    /**
     * Mounts the chroot inside the holder's namespaces: the overlay, /proc of the new
     * PID namespace, a tmpfs /tmp, a minimal /dev (a tmpfs with the harmless device
     * nodes bound from the host, a private devpts), the shared apt archive cache and
     * the build directory.
     */
    static final String SETUP = String.join("\n",
            "set -eu",
            "M=$1 LOWER=$2 UPPER=$3 WORK=$4 BUILD=$5 APTCACHE=$6 REPO=$7 OVERLAYOPTS=$8 APT=$9",
            // the chroot's / is the upper directory's root: root's, as in the base
            "chown 0:0 \"$UPPER\"",
            "mount -t overlay overlay -o \"lowerdir=$LOWER,upperdir=$UPPER,workdir=$WORK$OVERLAYOPTS\" \"$M\"",
            "mount -t proc -o nosuid,nodev,noexec proc \"$M/proc\"",
            "mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs \"$M/tmp\"",
            "mount -t tmpfs -o mode=755,nosuid tmpfs \"$M/dev\"",
            "for node in null zero full random urandom; do",
            "  touch \"$M/dev/$node\"; mount --bind \"/dev/$node\" \"$M/dev/$node\"",
            "done",
            "ln -s /proc/self/fd \"$M/dev/fd\"",
            "ln -s /proc/self/fd/0 \"$M/dev/stdin\"; ln -s /proc/self/fd/1 \"$M/dev/stdout\"; ln -s /proc/self/fd/2 \"$M/dev/stderr\"",
            "mkdir \"$M/dev/pts\" \"$M/dev/shm\"",
            "mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts \"$M/dev/pts\"",
            "ln -s pts/ptmx \"$M/dev/ptmx\"",
            "mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs \"$M/dev/shm\"",
            "mkdir -p \"$M/var/cache/apt/archives\" \"$M/build\" \"$APT/partial\"",
            // this build's own apt archive directory (its own apt lock and partial/), holding hard links to every
            // package of the shared cache: builds running at once never wait for each other's apt
            "find \"$APTCACHE\" -maxdepth 1 -name '*.deb' -exec ln -t \"$APT\" -- {} +",
            "mount --bind \"$APT\" \"$M/var/cache/apt/archives\"",
            "mount --bind \"$BUILD\" \"$M/build\"",
            "if [ -n \"$REPO\" ]; then mkdir -p \"$M/srv/compose-repo\"; mount --bind -o ro \"$REPO\" \"$M/srv/compose-repo\"; fi",
            "rm -f \"$M/etc/resolv.conf\"",
            "if [ -e /etc/resolv.conf ]; then cp -L /etc/resolv.conf \"$M/etc/resolv.conf\"; fi",
            "echo buildroot > \"$M/etc/hostname\"");

    private final Path dir;
    private final ProcessRunner runner;
    private final int builderUid;
    private final Duration setupTimeout;
    private final IsolationMode mode;
    private final TreeRemover remover;

    /** Root mode. @param dir this executor's own buildroot directory (not shared with another executor process) */
    public BuildrootFactory(Path dir, ProcessRunner runner, int builderUid, Duration setupTimeout) {
        this(dir, runner, builderUid, setupTimeout, IsolationMode.ROOT);
    }

    /** @param dir this executor's own buildroot directory (not shared with another executor process) */
    public BuildrootFactory(Path dir, ProcessRunner runner, int builderUid, Duration setupTimeout, IsolationMode mode) {
        this.dir = dir;
        this.runner = runner;
        this.builderUid = builderUid;
        this.setupTimeout = setupTimeout;
        this.mode = mode;
        this.remover = TreeRemover.of(mode, runner, builderUid);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the buildroot directory " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    public IsolationMode mode() {
        return mode;
    }

    /**
     * A fresh buildroot over {@code base}. It owns the lease from here on: closing the
     * buildroot (or a failure here) closes it.
     *
     * @param aptCache the package cache shared by every build (on the same file system as the buildroots): the
     *        buildroot's {@code /var/cache/apt/archives} starts with hard links to its packages, and
     *        {@link Buildroot#shareDownloads} adds what apt fetched
     * @param composeAptRepository a flat apt repository of the compose's own packages, bound read-only at
     *        {@code /srv/compose-repo}
     */
    public Buildroot create(BuildrootId id, BaseChrootCache.Lease base, Path aptCache, Optional<Path> composeAptRepository,
            LogSink log) {
        return create(id, base, Optional.empty(), aptCache, composeAptRepository, log);
    }

    /**
     * As {@link #create(BuildrootId, BaseChrootCache.Lease, Path, Optional, LogSink)}, with a
     * build-deps layer stacked between the base and the buildroot's upper directory; the
     * buildroot owns the layer too.
     */
    public Buildroot create(BuildrootId id, BaseChrootCache.Lease base, Optional<BuildDepsLayers.Layer> layer,
            Path aptCache, Optional<Path> composeAptRepository, LogSink log) {
        Path root = dir.resolve(id.value());
        Process holder = null;
        try {
            Optional<UserNamespace> userns = mode == IsolationMode.UNPRIVILEGED
                    ? Optional.of(UserNamespace.ofThisProcess(builderUid))
                    : Optional.empty();
            for (String sub : List.of("upper", "work", "merged", "build", "apt")) {
                Files.createDirectories(root.resolve(sub));
            }
            if (userns.isPresent()) {
                // the executor (not the builder, a subordinate id it cannot chown to) owns /build: sources go in
                // from here, the builder writes the results beside them; only this user can reach the parent
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
                Files.setPosixFilePermissions(root.resolve("build"), PosixFilePermissions.fromString("rwxrwxrwx"));
            } else {
                Files.setAttribute(root.resolve("build"), "unix:uid", builderUid);
                Files.setAttribute(root.resolve("build"), "unix:gid", builderUid);
            }
            Files.createDirectories(aptCache);
            List<String> argv = new ArrayList<>(userns.map(UserNamespace::unshare).orElse(List.of("unshare")));
            argv.addAll(List.of("--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--propagation",
                    "private", "--", "/bin/sh", "-c", HOLDER));
            Path holderErrors = root.resolve("holder.err");
            holder = new ProcessBuilder(argv)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(holderErrors.toFile())
                    .start();
            long pid = namespaceInit(holder, holderErrors);
            Buildroot buildroot = new Buildroot(id, root, base, holder, pid, builderUid, runner, userns.isPresent(),
                    remover, aptCache, layer);
            // overlayfs: the leftmost lower directory is the uppermost
            String lower = layer.map(l -> l.tree() + ":").orElse("") + base.root();
            List<String> setup = new ArrayList<>(buildroot.enter());
            setup.addAll(List.of("/bin/sh", "-c", SETUP, "setup", buildroot.merged().toString(), lower,
                    root.resolve("upper").toString(), root.resolve("work").toString(), buildroot.buildDir().toString(),
                    aptCache.toString(), composeAptRepository.map(Path::toString).orElse(""),
                    userns.isPresent() ? ",userxattr" : "", root.resolve("apt").toString()));
            runner.run(Command.of(setup).withTimeout(setupTimeout), log);
            return buildroot;
        } catch (IOException e) {
            abandon(holder, root, base, layer);
            throw new RootError("cannot make buildroot " + id + " in " + root + ": " + e.getMessage(), List.of(), e);
        } catch (CommandFailedException e) {
            abandon(holder, root, base, layer);
            throw Diagnosis.root("setting up buildroot " + id, e);
        } catch (RuntimeException e) {
            abandon(holder, root, base, layer);
            throw e;
        }
    }

    /**
     * The holder: init of the new PID namespace. It names its PID as this process sees it
     * (the host's /proc is still mounted, so /proc/self is the host's view of it), then
     * waits for its standard input to close.
     */
    static final String HOLDER = "echo buildroot > /proc/sys/kernel/hostname; read -r me _ < /proc/self/stat; "
            + "echo \"$me\"; read _";

    /** The PID (in this process's namespace) of init of the new PID namespace, as the holder prints it. */
    private static long namespaceInit(Process holder, Path errors) {
        java.util.concurrent.CompletableFuture<String> line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String pid;
        try {
            pid = line.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RootError("unshare made no namespace init within 60 s" + stderr(errors));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RootError("interrupted while making the buildroot's namespaces");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new RootError("cannot read the buildroot holder's PID: " + e.getCause());
        }
        if (pid == null || !pid.matches("[0-9]+")) {
            String status = "";
            try {
                if (holder.waitFor(5, TimeUnit.SECONDS)) {
                    status = " with status " + holder.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new RootError("unshare exited" + status + " before making the buildroot's namespaces"
                    + stderr(errors));
        }
        return Long.parseLong(pid);
    }

    private static String stderr(Path errors) {
        try {
            String text = Files.readString(errors).strip();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }

    private void abandon(Process holder, Path root, BaseChrootCache.Lease base,
            Optional<BuildDepsLayers.Layer> layer) {
        try {
            if (holder != null) {
                ProcessRunner.killTree(holder);
            }
            remover.delete(root);
        } catch (RuntimeException e) {
            LOG.warnf("cannot clean up the failed buildroot %s: %s", root, e.getMessage());
        } finally {
            layer.ifPresent(BuildDepsLayers.Layer::close);
            base.close();
        }
    }

    /**
     * Removes what dead buildroots of this executor left: any mount below its
     * directory still seen from here (lazily unmounted), then the directories.
     * Call it before the first build.
     *
     * @return the buildroot directories removed
     */
    public List<Path> removeLeftovers() {
        for (String mount : Mounts.below(dir)) {
            try {
                runner.run(Command.of("umount", "--lazy", mount).withTimeout(Duration.ofSeconds(30)), LogSink.NONE);
                LOG.infof("unmounted %s left by a dead build", mount);
            } catch (CommandFailedException e) {
                LOG.warnf("cannot unmount %s: %s", mount, e.getMessage());
            }
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                remover.delete(child);
                removed.add(child);
                LOG.infof("removed %s left by a dead build", child);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return removed;
    }
}
