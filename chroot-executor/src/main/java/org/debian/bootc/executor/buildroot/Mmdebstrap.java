package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.executor.failure.Diagnosis;
import org.debian.bootc.executor.failure.RootError;

/**
 * Makes a base with {@code mmdebstrap --variant=buildd} (essential packages, apt
 * and build-essential, as sbuild's chroots), keeping apt's package lists so a
 * build installs its build-deps without an {@code apt-get update}, and adding the
 * unprivileged {@code builder} account the build step runs as. Always in mmdebstrap's
 * unshare mode, whether the executor runs as root or not: the base's files belong to
 * the user's subordinate ids, which is what the sandbox's user namespace maps (recipe 2;
 * recipe 1 made root's bases with {@code --mode=root}). As root, mmdebstrap would give a
 * directory the real root's owners, so it writes a tarball, which {@code tar} unpacks as root
 * of a {@link UserNamespace} (device nodes left out: a buildroot binds its own).
 */
public final class Mmdebstrap implements BaseMaker {

    /** Bump when the hooks below change: it is part of every {@link BaseKey}. */
    public static final String RECIPE = "2";

    private final ProcessRunner runner;
    private final IsolationMode mode;
    private final int builderUid;
    private final Duration timeout;

    public Mmdebstrap(ProcessRunner runner, IsolationMode mode, int builderUid, Duration timeout) {
        this.runner = runner;
        this.mode = mode;
        this.builderUid = builderUid;
        this.timeout = timeout;
    }

    @Override
    public void make(BaseKey key, Path target, LogSink log) {
        List<String> argv = new ArrayList<>(List.of("mmdebstrap", "--variant=buildd",
                // root or not, the base belongs to subordinate ids: the sandbox's user namespace maps only those
                "--mode=unshare",
                "--architectures=" + key.architecture(),
                "--skip=cleanup/apt/lists",
                "--customize-hook=echo 'builder:x:" + builderUid + ":" + builderUid
                        + ":unprivileged build user:/build:/bin/sh' >> \"$1/etc/passwd\"",
                "--customize-hook=echo 'builder:x:" + builderUid + ":' >> \"$1/etc/group\"",
                "--customize-hook=mkdir -p \"$1/build\""));
        if (!key.extraPackages().isEmpty()) {
            argv.add("--include=" + String.join(",", key.extraPackages()));
        }
        // as root, mmdebstrap gives a directory the owners seen inside its namespace (root's files are the host's
        // root's): it writes a tarball instead, unpacked by root of the buildroots' user namespace
        boolean root = mode == IsolationMode.ROOT;
        Path tarball = target.resolveSibling(target.getFileName() + ".tar");
        argv.add(key.suite());
        argv.add(root ? tarball.toString() : target.toString());
        argv.add("deb " + key.archive() + " " + key.suite() + " main");
        log.line("$ " + String.join(" ", argv));
        try {
            runner.run(Command.of(argv).withTimeout(timeout), log);
            if (root) {
                Files.createDirectories(target);
                List<String> unpack = new ArrayList<>(UserNamespace.ofThisProcess(builderUid).unshare());
                unpack.addAll(List.of("--", "/bin/sh", "-c", "set -e; tar --extract --file \"$1\" --directory \"$2\""
                        + " --numeric-owner --same-owner --preserve-permissions --xattrs --xattrs-include='*'"
                        + " --exclude='./dev/*'; chown 0:0 \"$2\"", "unpack", tarball.toString(), target.toString()));
                runner.run(Command.of(unpack).withTimeout(timeout), log);
            }
        } catch (CommandFailedException e) {
            throw Diagnosis.root("mmdebstrap " + key.suite() + "/" + key.architecture(), e);
        } catch (IOException e) {
            throw new RootError("cannot make " + target + ": " + e.getMessage(), List.of(), e);
        } finally {
            try {
                Files.deleteIfExists(tarball);
            } catch (IOException e) {
                log.line("cannot remove " + tarball + ": " + e.getMessage());
            }
        }
    }
}
