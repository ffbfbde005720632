package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/**
 * Why a build attempt did not succeed, as one sealed hierarchy with stable exit
 * codes in the manner of mock's {@code exception.py} ({@code BuildError} 10,
 * {@code RootError} 20, {@code PkgError} 40). Each kind says whether the package
 * is at fault ({@link BuildResult#FAILURE}: a retry gives the same answer) or the
 * infrastructure is ({@link BuildResult#ERROR}: a retry may succeed).
 *
 * <p>The exit codes are part of the interface (the build log's last line and the
 * docs quote them): never renumber one, only add.
 */
public abstract sealed class BuildFailure extends RuntimeException
        permits ConfigError, BuildError, BuildTimeout, RootError, SourceError, PackageManagerError,
        ArchiveUnreachable, Cancelled, Interrupted, DiskFull {

    private final List<String> lastLines;

    protected BuildFailure(String message, List<String> lastLines, Throwable cause) {
        super(message, cause);
        this.lastLines = List.copyOf(lastLines);
    }

    /** The stable exit code of this kind of failure. */
    public abstract int exitCode();

    /** {@code failure} when the package is at fault, {@code error} when the infrastructure is. */
    public abstract BuildResult result();

    /** The last lines of the tool that failed, empty when no tool was involved. */
    public List<String> lastLines() {
        return lastLines;
    }
}
