package org.debian.bootc.events;

import java.util.List;

/**
 * A compose (or a request that never became one) changed status. Written by
 * compose-planner, read by monitoring, the CLI and upstream systems.
 *
 * @param composeId absent only when {@code newStatus} is REJECTED (no id was assigned)
 * @param requestId the request the compose came from
 * @param oldStatus optional: absent for the first status of a request
 * @param reason optional: why, in one line, for DOOMED, REJECTED and FINISHED_INCOMPLETE
 * @param violations optional: what was wrong with the request, field by field; absent reads as empty
 */
public record ComposeStatusChanged(ComposeId composeId, RequestId requestId, ComposeStatus oldStatus,
        ComposeStatus newStatus, String reason, List<Violation> violations) implements Event {

    public ComposeStatusChanged {
        Invariants.required("requestId", requestId);
        Invariants.required("newStatus", newStatus);
        if (composeId == null && newStatus != ComposeStatus.REJECTED) {
            throw new IllegalArgumentException("composeId is required unless newStatus is REJECTED");
        }
        Invariants.optionalText("reason", reason);
        violations = Invariants.optionalList(violations);
    }

    /** The compose id, or the request id of a rejected request that has none. */
    @Override
    public String key() {
        return composeId != null ? composeId.value() : requestId.value();
    }

    @Override
    public EventType<ComposeStatusChanged> eventType() {
        return EventType.COMPOSE_STATUS_CHANGED;
    }
}
