package org.debian.bootc.executor.buildroot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A program to run inside a buildroot.
 *
 * @param argv the program and its arguments, as seen inside the chroot
 * @param network whether it may reach the network: only apt's downloads, which run before any
 *        package code of the build is installed; never maintainer scripts or the build step
 * @param asBuilder run as the unprivileged {@code builder} account instead of root
 * @param environment set on top of a clean environment (PATH, HOME, LC_ALL)
 * @param workingDirectory inside the chroot
 * @param timeout how long it may run
 */
public record ChrootCommand(List<String> argv, boolean network, boolean asBuilder, Map<String, String> environment,
        String workingDirectory, Duration timeout) {

    public ChrootCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a chroot command needs a program");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        Objects.requireNonNull(timeout, "timeout");
    }

    /** As root, with no network, in {@code /}. */
    public static ChrootCommand asRoot(Duration timeout, String... argv) {
        return new ChrootCommand(List.of(argv), false, false, Map.of(), "/", timeout);
    }

    /**
     * As root, with the network, in {@code directory}: for apt fetching lists and packages only
     * (no package is unpacked or configured by such a command).
     */
    public static ChrootCommand download(Duration timeout, String directory, List<String> argv) {
        return new ChrootCommand(argv, true, false, Map.of(), directory, timeout);
    }

    /** As {@code builder}, with no network at all, in {@code directory}. */
    public static ChrootCommand isolated(Duration timeout, String directory, Map<String, String> environment,
            String... argv) {
        return new ChrootCommand(List.of(argv), false, true, environment, directory, timeout);
    }
}
