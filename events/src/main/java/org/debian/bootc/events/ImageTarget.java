package org.debian.bootc.events;

import java.util.List;
import java.util.Map;

/**
 * What the publisher makes for one architecture of a compose: the OSTree ref, the
 * image repository and tag, the image labels, and the install set the planner
 * resolved with apt. Binary packages whose source the compose rebuilt are taken
 * from the compose's own repository instead of the archive.
 *
 * @param disk the disk images to make of the commit; {@code null} (absent on the wire)
 *        when the manifest asks for none
 */
public record ImageTarget(String architecture, String ostreeRef, String imageRepository, String imageTag,
        Map<String, String> labels, List<ResolvedPackage> packages, DiskSpec disk) {

    public ImageTarget {
        Invariants.text("architecture", architecture);
        Invariants.text("ostreeRef", ostreeRef);
        Invariants.text("imageRepository", imageRepository);
        Invariants.text("imageTag", imageTag);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        packages = Invariants.list("packages", packages);
        Invariants.nonEmpty("packages", packages);
    }

    /** A target without disk images, as before {@code disk} was added. */
    public ImageTarget(String architecture, String ostreeRef, String imageRepository, String imageTag,
            Map<String, String> labels, List<ResolvedPackage> packages) {
        this(architecture, ostreeRef, imageRepository, imageTag, labels, packages, null);
    }
}
