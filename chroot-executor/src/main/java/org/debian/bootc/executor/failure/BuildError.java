package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** dpkg-buildpackage (or unpacking the source) failed: the package did not build; mock's BuildError. Exit code 10, result {@code failure}. */
public final class BuildError extends BuildFailure {

    public static final int EXIT_CODE = 10;

    public BuildError(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public BuildError(String message) {
        this(message, List.of(), null);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }

    @Override
    public BuildResult result() {
        return BuildResult.FAILURE;
    }
}
