package org.debian.bootc.events;

/**
 * The publisher could not make or push one architecture's image. Written by
 * artifact-publisher, read by compose-planner (which dooms the compose unless the
 * architecture is failable).
 *
 * @param composeId the record key
 * @param architecture the image's architecture
 * @param ref the OSTree ref
 * @param stage the phase that failed: repository, rootfs, ostree, image, lint, push or disk
 * @param reason what failed; a lint failure names the rule
 * @param fault whether a retry can help: {@code input} (no) or {@code infrastructure}
 *        (yes); {@code null} when the producer did not say (absent on the wire, as from a
 *        publisher older than the field)
 */
public record ImagePublishFailed(ComposeId composeId, String architecture, String ref, String stage, String reason,
        PublishFault fault) implements Event {

    public ImagePublishFailed {
        Invariants.required("composeId", composeId);
        Invariants.text("architecture", architecture);
        Invariants.text("ref", ref);
        Invariants.text("stage", stage);
        Invariants.text("reason", reason);
    }

    /** A failure that does not say whose fault it is, as before {@code fault} was added. */
    public ImagePublishFailed(ComposeId composeId, String architecture, String ref, String stage, String reason) {
        this(composeId, architecture, ref, stage, reason, null);
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<ImagePublishFailed> eventType() {
        return EventType.IMAGE_PUBLISH_FAILED;
    }
}
