package org.debian.bootc.planner.service;

import java.util.List;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Violation;

/** What became of a compose request. */
public sealed interface IntakeOutcome {

    /** A new compose, STARTED. */
    record Started(ComposeId composeId) implements IntakeOutcome {
    }

    /** The request was seen before (same request id); nothing new was started. */
    record AlreadyStarted(ComposeId composeId) implements IntakeOutcome {
    }

    /** The event was processed before (event-id inbox); it had its effect then. */
    record Duplicate() implements IntakeOutcome {
    }

    /**
     * The manifest is invalid; nothing was queued. Pointers start at the request ({@code /manifest/...}).
     *
     * @param violations the first {@link ComposeIntake#LISTED_VIOLATIONS} of them
     * @param total how many there are
     */
    record Rejected(List<Violation> violations, int total) implements IntakeOutcome {
    }
}
