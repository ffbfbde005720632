package org.debian.bootc.events;

import java.util.List;

/**
 * The planner's authoritative plan of a compose, as far as the scheduler and the
 * publisher need it: the suite and the archive (an absolute URI) it was resolved
 * against with that archive's InRelease hash, the failable rules, one image target
 * per architecture, and the extra apt repositories.
 */
public record ComposePlan(String suite, String archive, String inReleaseSha256, Failable failable,
        List<ImageTarget> images, List<AptRepository> extraRepositories) {

    public ComposePlan {
        Invariants.text("suite", suite);
        Invariants.text("archive", archive);
        Invariants.sha256("inReleaseSha256", inReleaseSha256);
        failable = failable == null ? Failable.NONE : failable;
        images = Invariants.list("images", images);
        Invariants.nonEmpty("images", images);
        extraRepositories = Invariants.optionalList(extraRepositories);
    }

    /** The image target of one architecture, if the plan has one. */
    public java.util.Optional<ImageTarget> image(String architecture) {
        return images.stream().filter(image -> image.architecture().equals(architecture)).findFirst();
    }
}
