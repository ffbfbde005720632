package org.debian.bootc.planner.manifest;

import java.util.List;
import java.util.stream.Collectors;

import org.debian.bootc.events.Violation;

/**
 * A manifest that cannot be accepted, with every violation found in it: REST answers
 * them as {@code application/problem+json}, the CLI prints them, a Kafka-submitted
 * request gets them on {@code compose-status}.
 */
public class ManifestException extends Exception {

    private static final int MAX_LISTED = 5;

    private final List<Violation> violations;

    /** @param violations at least one, in document order */
    public ManifestException(List<Violation> violations) {
        super(summary(violations));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a rejected manifest has at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    /** Every violation, in document order. */
    public List<Violation> violations() {
        return violations;
    }

    private static String summary(List<Violation> violations) {
        String listed = violations.stream().limit(MAX_LISTED).map(Violation::toString).collect(Collectors.joining("; "));
        return "the manifest has " + violations.size() + (violations.size() == 1 ? " violation: " : " violations: ")
                + listed + (violations.size() > MAX_LISTED ? "; …" : "");
    }
}
