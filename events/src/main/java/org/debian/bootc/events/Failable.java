package org.debian.bootc.events;

import java.util.List;

/**
 * Pungi's failable rules for one compose: architectures and source packages whose
 * failure leaves the compose FINISHED_INCOMPLETE instead of DOOMED.
 */
public record Failable(List<String> architectures, List<String> packages) {

    public static final Failable NONE = new Failable(List.of(), List.of());

    public Failable {
        architectures = Invariants.optionalList(architectures);
        packages = Invariants.optionalList(packages);
    }

    /** Whether a failure of {@code source} on {@code architecture} is allowed. */
    public boolean allows(String source, String architecture) {
        return architectures.contains(architecture) || packages.contains(source);
    }

    /**
     * The outcome of a compose whose tasks ended with these results: all success is
     * {@link ComposeOutcome#COMPLETE}; otherwise {@link ComposeOutcome#INCOMPLETE}
     * when every non-success (skipped included) is failable, else
     * {@link ComposeOutcome#DOOMED}.
     */
    public ComposeOutcome judge(List<PackageResult> results) {
        ComposeOutcome outcome = ComposeOutcome.COMPLETE;
        for (PackageResult result : results) {
            if (result.result() == TaskResult.SUCCESS) {
                continue;
            }
            if (!allows(result.source(), result.architecture())) {
                return ComposeOutcome.DOOMED;
            }
            outcome = ComposeOutcome.INCOMPLETE;
        }
        return outcome;
    }
}
