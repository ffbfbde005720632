package org.debian.bootc.executor.buildroot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.executor.failure.Diagnosis;

/**
 * Makes a base with {@code mmdebstrap --variant=buildd} (essential packages, apt
 * and build-essential, as sbuild's chroots), keeping apt's package lists so a
 * build installs its build-deps without an {@code apt-get update}, and adding the
 * unprivileged {@code builder} account the build step runs as.
 */
public final class Mmdebstrap implements BaseMaker {

    /** Bump when the hooks below change: it is part of every {@link BaseKey}. */
    public static final String RECIPE = "1";

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
                "--mode=" + (mode == IsolationMode.ROOT ? "root" : "unshare"),
                "--architectures=" + key.architecture(),
                "--skip=cleanup/apt/lists",
                "--customize-hook=echo 'builder:x:" + builderUid + ":" + builderUid
                        + ":unprivileged build user:/build:/bin/sh' >> \"$1/etc/passwd\"",
                "--customize-hook=echo 'builder:x:" + builderUid + ":' >> \"$1/etc/group\"",
                "--customize-hook=mkdir -p \"$1/build\""));
        if (!key.extraPackages().isEmpty()) {
            argv.add("--include=" + String.join(",", key.extraPackages()));
        }
        argv.add(key.suite());
        argv.add(target.toString());
        argv.add("deb " + key.archive() + " " + key.suite() + " main");
        log.line("$ " + String.join(" ", argv));
        try {
            runner.run(Command.of(argv).withTimeout(timeout), log);
        } catch (CommandFailedException e) {
            throw Diagnosis.root("mmdebstrap " + key.suite() + "/" + key.architecture(), e);
        }
    }
}
