package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** apt could not satisfy the build dependencies from the archive and the compose's packages; mock's PkgError. Exit code 40, result {@code failure}. */
public final class PackageManagerError extends BuildFailure {

    public static final int EXIT_CODE = 40;

    public PackageManagerError(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public PackageManagerError(String message) {
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
