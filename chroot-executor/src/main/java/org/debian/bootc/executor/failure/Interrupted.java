package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/**
 * The executor shut down (SIGTERM) while the attempt ran, or before it started: its
 * build was stopped and its buildroot removed. Nothing is wrong with the package, so
 * the scheduler runs the task again. Exit code 61, result {@code error}.
 */
public final class Interrupted extends BuildFailure {

    public static final int EXIT_CODE = 61;

    public Interrupted(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public Interrupted(String message) {
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
