package org.debian.bootc.publisher.service;

import java.util.Optional;

import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.image.PushPhase;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;

/** What one publish made: the ref's commit, the image in the layout and, if pushed, the push. */
public record PublishResult(OstreeCommitPhase.Result commit, ImagePhase.Result image, Optional<PushPhase.Result> push) {

    /** Where the image is: the registry reference when pushed, else the OCI layout reference. */
    public String imageReference() {
        return push.map(PushPhase.Result::imageReference).orElse("oci:" + image.layout() + ":" + image.tag());
    }

    public long bytesPushed() {
        return push.map(PushPhase.Result::bytesPushed).orElse(0L);
    }
}
