package org.debian.bootc.executor.failure;

import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

import org.debian.bootc.debian.process.CommandFailedException;

/**
 * Turns a failed tool into the failure that fits: apt's and mmdebstrap's own
 * words tell an unreachable archive or a full disk (the infrastructure) from
 * unsatisfiable dependencies or a broken package (the package).
 */
public final class Diagnosis {

    private static final List<String> ARCHIVE_TROUBLE = List.of("failed to fetch", "could not resolve",
            "temporary failure resolving", "unable to fetch", "unable to connect", "connection failed",
            "connection timed out", "hash sum mismatch", "no_pubkey", "is not signed", "the following signatures",
            "release file for", "404  not found", "could not connect");

    private Diagnosis() {
    }

    static boolean diskFull(String output) {
        return output.toLowerCase(Locale.ROOT).contains("no space left on device");
    }

    static boolean archiveTrouble(String output) {
        String lower = output.toLowerCase(Locale.ROOT);
        return ARCHIVE_TROUBLE.stream().anyMatch(lower::contains);
    }

    /**
     * A failed apt run in a buildroot: a full disk, an unreachable archive, a timeout,
     * or else (apt said the dependencies cannot be satisfied) {@code otherwise}.
     */
    public static BuildFailure apt(String stage, CommandFailedException e,
            BiFunction<String, CommandFailedException, BuildFailure> otherwise) {
        String message = stage + ": " + e.getMessage();
        if (e.timedOut()) {
            return new BuildTimeout(message, e.lastLines(), e);
        }
        if (diskFull(e.output())) {
            return new DiskFull(message, e.lastLines(), e);
        }
        if (archiveTrouble(e.output())) {
            return new ArchiveUnreachable(message, e.lastLines(), e);
        }
        return otherwise.apply(message, e);
    }

    /** A failed tool while making or entering the buildroot: never the package's fault. */
    public static BuildFailure root(String stage, CommandFailedException e) {
        return apt(stage, e, (message, cause) -> new RootError(message, cause.lastLines(), cause));
    }

    /** A failed build step: the package's fault unless the disk filled up or the time ran out. */
    public static BuildFailure build(String stage, CommandFailedException e) {
        String message = stage + ": " + e.getMessage();
        if (e.timedOut()) {
            return new BuildTimeout(message, e.lastLines(), e);
        }
        if (diskFull(e.output())) {
            return new DiskFull(message, e.lastLines(), e);
        }
        return new BuildError(message, e.lastLines(), e);
    }
}
