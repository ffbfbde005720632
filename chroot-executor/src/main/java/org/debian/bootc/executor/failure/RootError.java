package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** The buildroot could not be made or entered (mmdebstrap, overlay mount, namespaces); mock's RootError. Exit code 20, result {@code error}. */
public final class RootError extends BuildFailure {

    public static final int EXIT_CODE = 20;

    public RootError(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public RootError(String message) {
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
