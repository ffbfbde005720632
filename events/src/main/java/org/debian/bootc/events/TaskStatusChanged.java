package org.debian.bootc.events;

/**
 * A task changed status. Written by task-scheduler (the only writer of task
 * state), read by monitoring.
 *
 * @param taskId the record key
 * @param attempt the attempt the change belongs to (1 for a task that was never dispatched)
 * @param oldStatus optional: absent when the task was created
 * @param result required when {@code newStatus} is completed, otherwise optional
 * @param reason optional: why, in one line (e.g. the lease expired, the build failed)
 */
public record TaskStatusChanged(TaskId taskId, int attempt, ComposeId composeId, String architecture,
        TaskStatus oldStatus, TaskStatus newStatus, TaskResult result, String reason) implements Event {

    public TaskStatusChanged {
        Invariants.required("taskId", taskId);
        Invariants.atLeast("attempt", attempt, 1);
        Invariants.required("composeId", composeId);
        Invariants.text("architecture", architecture);
        Invariants.required("newStatus", newStatus);
        if (newStatus == TaskStatus.COMPLETED && result == null) {
            throw new IllegalArgumentException("result is required when newStatus is completed");
        }
        Invariants.optionalText("reason", reason);
    }

    @Override
    public String key() {
        return taskId.value();
    }

    @Override
    public EventType<TaskStatusChanged> eventType() {
        return EventType.TASK_STATUS_CHANGED;
    }
}
