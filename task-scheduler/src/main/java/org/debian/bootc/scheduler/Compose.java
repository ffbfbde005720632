package org.debian.bootc.scheduler;

import java.time.Instant;
import java.util.List;

/**
 * A compose as the scheduler knows it; {@code plan} and {@code expectedTasks} are null until
 * compose-planned. {@code handoffError} says why a compose whose tasks are all done got no
 * compose-built (its results are over the event size limit).
 */
public record Compose(String composeId, String plan, List<String> expectedTasks, Instant plannedAt,
        Instant cancelledAt, String cancelledBy, String cancelReason, String outcome, Instant builtAt,
        Instant createdAt, String handoffError) {

    public boolean planned() {
        return expectedTasks != null;
    }

    public boolean cancelled() {
        return cancelledAt != null;
    }
}
