package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The build ran past its time limit and its namespace was killed; mock's commandTimeoutExpired. Exit code 11, result {@code error}. */
public final class BuildTimeout extends BuildFailure {

    public static final int EXIT_CODE = 11;

    public BuildTimeout(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public BuildTimeout(String message) {
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
