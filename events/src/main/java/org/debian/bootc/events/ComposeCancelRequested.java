package org.debian.bootc.events;

/**
 * Someone asks to cancel a compose. Read by task-scheduler, which aborts the
 * compose's pending and blocked tasks and tells executors to stop running ones;
 * its REST cancel does the same.
 *
 * @param composeId the record key
 * @param requestedBy who asked (a user or a system)
 * @param reason why, for people reading task and compose status
 */
public record ComposeCancelRequested(ComposeId composeId, String requestedBy, String reason) implements Event {

    public ComposeCancelRequested {
        Invariants.required("composeId", composeId);
        Invariants.text("requestedBy", requestedBy);
        Invariants.optionalText("reason", reason);
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<ComposeCancelRequested> eventType() {
        return EventType.COMPOSE_CANCEL_REQUESTED;
    }
}
