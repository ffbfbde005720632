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
import org.debian.bootc.debian.sandbox.SeccompFilter;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.executor.failure.Diagnosis;
import org.debian.bootc.executor.failure.RootError;
import org.debian.bootc.executor.limits.BuildCgroup;
import org.debian.bootc.executor.limits.BuildLimits;
import org.debian.bootc.executor.limits.Cgroups;

/**
 * Makes {@link Buildroot}s under {@code <dir>/<buildroot id>/} ({@code upper},
 * {@code work}, {@code merged}, {@code build}) and, at start-up, removes what
 * the buildroots of a dead process left there.
 *
 * <p>Whether the executor runs as root or as an ordinary user, a {@link UserNamespace}
 * of its subordinate ids ({@code /etc/subuid}, {@code /etc/subgid}) is made first and
 * the other namespaces inside it; the overlay is mounted with {@code userxattr}; package
 * code runs in the {@link Bubblewrap} sandbox in an inner user namespace that maps the
 * subordinate ids alone. As root, the executor removes what the namespace's root wrote
 * directly; as an ordinary user, from inside such a namespace.
 */
public final class BuildrootFactory {

    private static final Logger LOG = Logger.getLogger(BuildrootFactory.class);

    /**
     * Mounts the chroot inside the holder's namespaces: the overlay, a tmpfs /tmp, a minimal
     * /dev (a tmpfs with the harmless device nodes bound from the host, a private devpts), the
     * shared apt archive cache and the build directory; then binds it all for the sandbox.
     */
    static final String SETUP = String.join("\n",
            "set -eu",
            "M=$1 LOWER=$2 UPPER=$3 WORK=$4 BUILD=$5 APTCACHE=$6 REPO=$7 OVERLAYOPTS=$8 APT=$9",
            // the chroot's / is the upper directory's root: root's, as in the base
            "chown 0:0 \"$UPPER\"",
            "mount -t overlay overlay -o \"lowerdir=$LOWER,upperdir=$UPPER,workdir=$WORK$OVERLAYOPTS\" \"$M\"",
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
            // apt's archive directory is root's inside (the sandbox's namespace does not map the executor's id)
            "chown 0:0 \"$APT\" \"$APT/partial\"",
            // this build's own apt archive directory (its own apt lock and partial/), holding hard links to every
            // package of the shared cache: builds running at once never wait for each other's apt
            "find \"$APTCACHE\" -maxdepth 1 -name '*.deb' -exec ln -t \"$APT\" -- {} +",
            "mount --bind \"$APT\" \"$M/var/cache/apt/archives\"",
            "mount --bind \"$BUILD\" \"$M/build\"",
            "if [ -n \"$REPO\" ]; then mkdir -p \"$M/srv/compose-repo\"; mount --bind -o ro \"$REPO\" \"$M/srv/compose-repo\"; fi",
            "rm -f \"$M/etc/resolv.conf\"",
            "if [ -e /etc/resolv.conf ]; then cp -L /etc/resolv.conf \"$M/etc/resolv.conf\"; fi",
            "echo buildroot > \"$M/etc/hostname\"",
            // the sandbox's root, at a path its inner user namespace can walk (the buildroot's own directory is
            // closed to all but the executor, whose uid that namespace does not map): a tmpfs of this mount
            // namespace on /mnt, the whole tree bound below it
            "mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /mnt",
            "mkdir /mnt/root",
            "mount --rbind \"$M\" /mnt/root");

    /** Where {@link #SETUP} binds the chroot for the sandbox, in the holder's mount namespace. */
    static final Path SANDBOX_ROOT = Path.of("/mnt/root");

    private final Path dir;
    private final ProcessRunner runner;
    private final int builderUid;
    private final Duration setupTimeout;
    private final IsolationMode mode;
    private final TreeRemover remover;
    private final Path seccomp;
    private final Optional<Cgroups> cgroups;
    private final String noCgroupsBecause;
    private final BuildLimits limits;

    /**
     * @param dir this executor's own buildroot directory (not shared with another executor process)
     * @param cgroups where each buildroot gets a cgroup of its own with {@code limits}; empty (or not usable):
     *        none, and builds run without memory and process limits
     */
    public BuildrootFactory(Path dir, ProcessRunner runner, int builderUid, Duration setupTimeout, IsolationMode mode,
            Optional<Cgroups> cgroups, BuildLimits limits) {
        this.cgroups = cgroups.filter(Cgroups::usable);
        // said in every build's log: found out once, from the hierarchy the caller detected
        this.noCgroupsBecause = cgroups.map(Cgroups::whyNotText).filter(why -> !why.isEmpty())
                .orElse(mode == IsolationMode.ROOT ? "no cgroup hierarchy was given" : "the executor does not run as root");
        this.limits = limits;
        this.dir = dir;
        this.runner = runner;
        this.builderUid = builderUid;
        this.setupTimeout = setupTimeout;
        this.mode = mode;
        this.remover = TreeRemover.of(mode, runner, builderUid);
        try {
            Files.createDirectories(dir);
            // beside the executors' buildroot directories, so removing leftovers never takes it
            this.seccomp = SeccompFilter.forHost().writeTo(dir.toAbsolutePath().getParent());
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

    /** This executor's builds' cgroups are named {@code <executor id>.<buildroot id>}. */
    private String cgroupPrefix() {
        return dir.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".";
    }

    /** What confines package code in this factory's buildroots, for the build log. */
    public String sandbox() {
        return Bubblewrap.describe(seccomp);
    }

    /** The limits each build gets, for the build log: what is enforced and what is not, and why. */
    public String limits() {
        String disk = "disk " + BuildLimits.human(limits.diskBytes()) + " (measured every "
                + limits.checkInterval().toSeconds() + " s)";
        return cgroups.isPresent()
                ? "memory " + BuildLimits.human(limits.memoryBytes()) + ", " + limits.maxProcesses() + " processes"
                        + " (cgroup), " + disk
                : disk + "; no memory or process limit: " + noCgroupsBecause;
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
        Optional<BuildCgroup> group = Optional.empty();
        try {
            group = cgroups.map(c -> c.create(cgroupPrefix() + id.value(), limits));
            UserNamespace userns = UserNamespace.ofThisProcess(builderUid);
            for (String sub : List.of("upper", "work", "merged", "build", "apt")) {
                Files.createDirectories(root.resolve(sub));
            }
            // the executor (not the builder, a subordinate id) owns /build: sources go in from here, the builder
            // writes the results beside them; only this user can reach the parent
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(root.resolve("build"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.createDirectories(aptCache);
            // the holder and every command entering its namespaces join the build's cgroup
            List<String> argv = new ArrayList<>(group.map(BuildCgroup::enterPrefix).orElse(List.of()));
            argv.addAll(userns.unshare());
            argv.addAll(List.of("--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--propagation",
                    "private", "--"));
            argv.addAll(Buildroot.NO_NEW_PRIVILEGES);
            argv.addAll(List.of("/bin/sh", "-c", HOLDER));
            Path holderErrors = root.resolve("holder.err");
            holder = new ProcessBuilder(argv)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(holderErrors.toFile())
                    .start();
            String[] pids = namespaceInit(holder, holderErrors);
            Buildroot buildroot = new Buildroot(id, root, base, holder, Long.parseLong(pids[0]),
                    "/proc/" + pids[1] + "/ns/user", seccomp, builderUid, runner, remover, aptCache, layer, group);
            // overlayfs: the leftmost lower directory is the uppermost
            String lower = layer.map(l -> l.tree() + ":").orElse("") + base.root();
            List<String> setup = new ArrayList<>(buildroot.enter());
            setup.addAll(List.of("/bin/sh", "-c", SETUP, "setup", buildroot.merged().toString(), lower,
                    root.resolve("upper").toString(), root.resolve("work").toString(), buildroot.buildDir().toString(),
                    aptCache.toString(), composeAptRepository.map(Path::toString).orElse(""), ",userxattr",
                    root.resolve("apt").toString()));
            runner.run(Command.of(setup).withTimeout(setupTimeout), log);
            return buildroot;
        } catch (IOException e) {
            abandon(holder, root, base, layer, group);
            throw new RootError("cannot make buildroot " + id + " in " + root + ": " + e.getMessage(), List.of(), e);
        } catch (CommandFailedException e) {
            abandon(holder, root, base, layer, group);
            throw Diagnosis.root("setting up buildroot " + id, e);
        } catch (RuntimeException e) {
            abandon(holder, root, base, layer, group);
            throw e;
        }
    }

    /**
     * The holder: init of the new PID namespace, root of the buildroot's user namespace. It
     * names its PID as this process sees it (the host's /proc is still mounted, so /proc/self
     * is the host's view of it), mounts the namespace's own /proc, starts the inner user
     * namespace the sandbox joins (a child that sleeps in a new user namespace) and maps in it
     * the ids mapped at 0 here, the subordinate range, but not the executor's own id; then it
     * names the inner holder's PID (as the namespace sees it) and waits for its standard input
     * to close.
     */
    static final String HOLDER = String.join("\n",
            "set -eu",
            "read -r me _ < /proc/self/stat",
            "mount -t proc -o nosuid,nodev,noexec proc /proc",
            "unshare --user -- sleep infinity < /dev/null &",
            "inner=$!",
            "while [ \"$(readlink /proc/$inner/ns/user)\" = \"$(readlink /proc/self/ns/user)\" ]; do sleep 0.01; done",
            "while read -r in out n; do if [ \"$in\" = 0 ]; then echo \"0 0 $n\" > /proc/$inner/uid_map; fi; done"
                    + " < /proc/self/uid_map",
            "while read -r in out n; do if [ \"$in\" = 0 ]; then echo \"0 0 $n\" > /proc/$inner/gid_map; fi; done"
                    + " < /proc/self/gid_map",
            "echo \"$me $inner\"",
            "read _ || true");

    /**
     * The PID (in this process's namespace) of init of the new PID namespace and the inner user
     * namespace holder's PID (in that namespace), as the holder prints them.
     */
    private static String[] namespaceInit(Process holder, Path errors) {
        java.util.concurrent.CompletableFuture<String> line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String pids;
        try {
            pids = line.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RootError("unshare made no namespace init within 60 s" + stderr(errors));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RootError("interrupted while making the buildroot's namespaces");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new RootError("cannot read the buildroot holder's PID: " + e.getCause());
        }
        if (pids == null || !pids.matches("[0-9]+ [0-9]+")) {
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
        return pids.split(" ");
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
            Optional<BuildDepsLayers.Layer> layer, Optional<BuildCgroup> group) {
        try {
            if (holder != null) {
                ProcessRunner.killTree(holder);
            }
            group.ifPresent(BuildCgroup::close);
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
        cgroups.ifPresent(c -> BuildCgroup.removeLeftovers(c, cgroupPrefix()));
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
