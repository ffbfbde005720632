package org.debian.bootc.events;

import java.util.List;

/**
 * The compose's OSTree commit is made and its bootc OCI image pushed. Written by
 * artifact-publisher, read by compose-planner.
 *
 * @param composeId the record key
 * @param architecture the image's architecture; one event per architecture
 * @param ref the OSTree ref, e.g. {@code debian/bookworm/amd64/minimal}
 * @param commit the OSTree commit checksum (sha256 hex)
 * @param imageReference where the image was pushed, {@code registry/repository:tag}
 * @param manifestDigest the pushed manifest's digest, {@code sha256:<hex>}
 * @param layerCount layers in the image
 * @param bytesPushed bytes uploaded (layers the registry already had are not counted)
 * @param disks the disk images made of the commit, in the order of the target's
 *        formats; empty when none were asked for (absent on the wire reads as empty)
 */
public record ImageCommitted(ComposeId composeId, String architecture, String ref, String commit, String imageReference,
        String manifestDigest, int layerCount, long bytesPushed, List<DiskImage> disks) implements Event {

    public ImageCommitted {
        Invariants.required("composeId", composeId);
        Invariants.text("architecture", architecture);
        Invariants.text("ref", ref);
        Invariants.sha256("commit", commit);
        Invariants.text("imageReference", imageReference);
        Invariants.text("manifestDigest", manifestDigest);
        if (!manifestDigest.startsWith("sha256:")
                || !Invariants.SHA256.matcher(manifestDigest.substring("sha256:".length())).matches()) {
            throw new IllegalArgumentException("manifestDigest " + Texts.quote(manifestDigest)
                    + " is not sha256:<64 lower-case hex digits>");
        }
        Invariants.atLeast("layerCount", layerCount, 1);
        Invariants.atLeast("bytesPushed", bytesPushed, 0);
        disks = Invariants.optionalList(disks);
    }

    /** An image without disk images, as before {@code disks} was added. */
    public ImageCommitted(ComposeId composeId, String architecture, String ref, String commit, String imageReference,
            String manifestDigest, int layerCount, long bytesPushed) {
        this(composeId, architecture, ref, commit, imageReference, manifestDigest, layerCount, bytesPushed, List.of());
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<ImageCommitted> eventType() {
        return EventType.IMAGE_COMMITTED;
    }
}
