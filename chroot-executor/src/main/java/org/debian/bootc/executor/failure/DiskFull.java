package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The disk holding the buildroots, caches or artifact store ran full. Exit code 70, result {@code error}. */
public final class DiskFull extends BuildFailure {

    public static final int EXIT_CODE = 70;

    public DiskFull(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public DiskFull(String message) {
        this(message, List.of(), null);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public BuildResult result() {
        return BuildResult.ERROR;
    }
}
