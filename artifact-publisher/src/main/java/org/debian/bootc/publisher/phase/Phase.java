package org.debian.bootc.publisher.phase;

import org.debian.bootc.publisher.failure.Stage;

/**
 * One step of a publish, in the shape of Pungi's {@code PhaseBase}: a name, whether it
 * applies to this publish, and a run over the publish's context, which reads what earlier
 * phases put there and puts its own output under its own {@link PublishContext.Key}.
 * {@code service/ImagePublisher} runs an ordered list of them, so a new output (an ISO, an
 * SBOM, a signature) is one more class in that list.
 */
public interface Phase {

    /** The stage this phase is, as {@code image-failed} and {@code PublishResult.stages()} name it. */
    Stage stage();

    /** Whether this publish needs the phase (a push only when pushing is on, disks only when the target asks). */
    default boolean appliesTo(PublishContext context) {
        return true;
    }

    /**
     * Does the phase's work on {@code context}.
     *
     * @throws org.debian.bootc.publisher.failure.PublishFailure naming {@link #stage()} and whose fault it is
     */
    void run(PublishContext context);
}
