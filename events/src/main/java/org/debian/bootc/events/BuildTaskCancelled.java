package org.debian.bootc.events;

/**
 * Stop one attempt of a build task: its compose was cancelled or the attempt was
 * superseded. Written by task-scheduler; every executor reads it with a consumer
 * group of its own and stops the attempt if it runs it.
 *
 * @param taskId the record key
 * @param attempt the attempt to stop; a newer attempt of the same task goes on
 * @param composeId the task's compose
 * @param architecture the task's architecture
 * @param reason why, e.g. "compose cancelled by release-team"
 */
public record BuildTaskCancelled(TaskId taskId, int attempt, ComposeId composeId, String architecture,
        String reason) implements Event {

    public BuildTaskCancelled {
        Invariants.required("taskId", taskId);
        Invariants.atLeast("attempt", attempt, 1);
        Invariants.required("composeId", composeId);
        Invariants.text("architecture", architecture);
        Invariants.text("reason", reason);
    }

    @Override
    public String key() {
        return taskId.value();
    }

    @Override
    public EventType<BuildTaskCancelled> eventType() {
        return EventType.BUILD_TASK_CANCELLED;
    }
}
