package org.debian.bootc.events;

import java.util.List;

/**
 * Every task of a compose has completed. Written by task-scheduler, read by
 * artifact-publisher (which builds the image from the successful packages) and
 * compose-planner (which decides FINISHED or FINISHED_INCOMPLETE).
 *
 * @param composeId the record key
 * @param packages one result per task
 * @param outcome the plan's failable rules applied to {@code packages}
 * @param plan the compose's plan, as {@link ComposePlanned} carried it, so the publisher needs no other input
 */
public record ComposeBuilt(ComposeId composeId, List<PackageResult> packages, ComposeOutcome outcome,
        ComposePlan plan) implements Event {

    public ComposeBuilt {
        Invariants.required("composeId", composeId);
        packages = Invariants.list("packages", packages);
        Invariants.required("outcome", outcome);
        Invariants.required("plan", plan);
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<ComposeBuilt> eventType() {
        return EventType.COMPOSE_BUILT;
    }
}
