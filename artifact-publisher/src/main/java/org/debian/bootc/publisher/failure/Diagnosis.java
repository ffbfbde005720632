package org.debian.bootc.publisher.failure;

import java.util.List;
import java.util.Locale;

import org.debian.bootc.debian.process.CommandFailedException;

/**
 * Turns a failed tool into the failure that fits, as the executor's {@code Diagnosis}
 * does: apt's and mmdebstrap's own words tell a package set that cannot be installed
 * (the plan: {@link InputRejected}) from everything else. A timeout, a full disk, an
 * unreachable archive and any tool failure not recognised as the package set's are
 * {@link InfrastructureFailure}s: a retry may help, and a wrong "no" would stop a compose
 * that a second try would have published.
 */
public final class Diagnosis {

    /** apt's words for a package set it cannot install, whatever the archive's state. */
    private static final List<String> PACKAGE_SET_TROUBLE = List.of("unmet dependencies",
            "has no installation candidate", "unable to locate package", "was not found", "held broken packages");
    /** Words that put the fault on the machine or the network even when apt also complains. */
    private static final List<String> INFRASTRUCTURE_TROUBLE = List.of("no space left on device", "failed to fetch",
            "temporary failure resolving", "could not resolve", "unable to connect", "connection timed out",
            "connection refused", "hash sum mismatch");

    private Diagnosis() {
    }

    /** The failure of {@code stage} that a failed tool means. */
    public static PublishFailure tool(Stage stage, CommandFailedException e) {
        String text = (e.getMessage() + "\n" + String.join("\n", e.lastLines())).toLowerCase(Locale.ROOT);
        // timed out, never started, killed for its output or interrupted: apt's words are not its verdict
        boolean exited = e.reason() == CommandFailedException.Reason.EXIT_STATUS;
        if (exited && INFRASTRUCTURE_TROUBLE.stream().noneMatch(text::contains)
                && PACKAGE_SET_TROUBLE.stream().anyMatch(text::contains)) {
            return new InputRejected(stage, e.getMessage(), e);
        }
        return new InfrastructureFailure(stage, e.getMessage(), e);
    }
}
