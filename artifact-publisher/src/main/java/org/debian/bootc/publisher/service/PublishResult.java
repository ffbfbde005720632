package org.debian.bootc.publisher.service;

import java.util.List;
import java.util.Optional;

import org.debian.bootc.publisher.disk.DiskImagePhase;
import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.image.PushPhase;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.publisher.failure.Stage;

/**
 * What one publish made: the ref's commit, the image in the layout and, if pushed, the
 * push; whether it reused the last publish of the ref (same input key: no repository,
 * root file system, commit or layers were made), the stages that ran, in order, and the
 * disk images of the commit (none unless the target asks for them).
 */
public record PublishResult(OstreeCommitPhase.Result commit, ImagePhase.Result image, Optional<PushPhase.Result> push,
        boolean reused, List<Stage> stages, List<DiskImagePhase.Image> disks) {

    public PublishResult {
        stages = List.copyOf(stages);
        disks = List.copyOf(disks);
    }

    /** Where the image is: the registry reference when pushed, else the OCI layout reference. */
    public String imageReference() {
        return push.map(PushPhase.Result::imageReference).orElse("oci:" + image.layout() + ":" + image.tag());
    }

    public long bytesPushed() {
        return push.map(PushPhase.Result::bytesPushed).orElse(0L);
    }
}
