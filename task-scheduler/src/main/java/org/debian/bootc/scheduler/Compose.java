package org.debian.bootc.scheduler;

import java.time.Instant;

import org.debian.bootc.events.ComposeId;

/**
 * A compose as the scheduler knows it; {@code expectedCount} (how many tasks compose-planned
 * announced) is null until compose-planned. The plan and the announced task ids are not
 * part of it: they are read where they are used ({@code ComposeRepository.planJson},
 * {@code expectedTasks}), not with every lock of the row. {@code handoffError} says why a
 * compose whose tasks are all done got no compose-built (its results are over the event
 * size limit).
 */
public record Compose(ComposeId composeId, Integer expectedCount, Instant plannedAt, Instant cancelledAt,
        String cancelledBy, String cancelReason, String outcome, Instant builtAt, Instant createdAt,
        String handoffError) {

    public boolean planned() {
        return expectedCount != null;
    }

    public boolean cancelled() {
        return cancelledAt != null;
    }
}
