package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The executor is not configured to run this task (no archive for its suite, a bad setting); mock's BadCmdline. Exit code 5, result {@code error}. */
public final class ConfigError extends BuildFailure {

    public static final int EXIT_CODE = 5;

    public ConfigError(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public ConfigError(String message) {
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
