package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The task's attempt was cancelled while it ran, and its build was stopped. Exit code 60, result {@code error}. */
public final class Cancelled extends BuildFailure {

    public static final int EXIT_CODE = 60;

    public Cancelled(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public Cancelled(String message) {
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
