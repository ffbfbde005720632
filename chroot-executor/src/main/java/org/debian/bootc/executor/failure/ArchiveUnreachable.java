package org.debian.bootc.executor.failure;

import java.util.List;

import org.debian.bootc.events.BuildResult;

/** apt or mmdebstrap could not fetch from the archive (network, missing file, bad signature). Exit code 50, result {@code error}. */
public final class ArchiveUnreachable extends BuildFailure {

    public static final int EXIT_CODE = 50;

    public ArchiveUnreachable(String message, List<String> lastLines, Throwable cause) {
        super(message, lastLines, cause);
    }

    public ArchiveUnreachable(String message) {
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
