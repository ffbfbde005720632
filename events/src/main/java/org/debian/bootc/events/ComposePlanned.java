package org.debian.bootc.events;

import java.util.List;

/**
 * The planner has planned a compose: every task id it queues (possibly none) and
 * the plan. Written by compose-planner in the same transaction as the compose's
 * {@link PackageBuildQueued} events; read by task-scheduler, which needs it to know
 * when a compose's tasks are all in and to judge the outcome.
 *
 * @param composeId the record key
 * @param tasks every task of the compose; empty when nothing is rebuilt
 * @param plan what the scheduler and the publisher need of the manifest and the package sets
 */
public record ComposePlanned(ComposeId composeId, List<TaskId> tasks, ComposePlan plan) implements Event {

    public ComposePlanned {
        Invariants.required("composeId", composeId);
        tasks = Invariants.list("tasks", tasks);
        Invariants.required("plan", plan);
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<ComposePlanned> eventType() {
        return EventType.COMPOSE_PLANNED;
    }
}
