package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The source package could not be fetched, or a file does not match its size or sha256. Exit code 30, result {@code error}. */
public final class SourceError extends BuildFailure {

    public static final int EXIT_CODE = 30;

    public SourceError(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public SourceError(String message) {
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
