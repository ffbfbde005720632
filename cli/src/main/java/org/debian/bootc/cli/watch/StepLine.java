package org.debian.bootc.cli.watch;

import java.util.Optional;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.TaskStatusChanged;

/**
 * One event of a compose as one line of a log: the planner's answer, the plan, each
 * task's transition (with the tasks' count so far, its result and reason), the builds'
 * outcome, each image. A CI log keeps every step; a terminal shows the tasks as a bar
 * and the other steps as these lines. Pure: no I/O.
 */
public final class StepLine {

    private StepLine() {
    }

    /**
     * The line for {@code event}, read after it was applied to {@code progress}; empty for an
     * event of another compose or of a type the watcher does not follow.
     */
    public static Optional<String> of(Event event, ComposeProgress progress) {
        if (!progress.concerns(event)) {
            return Optional.empty();
        }
        String compose = "compose " + progress.composeId() + ": ";
        if (event instanceof ComposeStatusChanged status) {
            return Optional.of(compose + status.newStatus() + (status.reason() == null ? "" : " (" + status.reason() + ")"));
        }
        if (event instanceof ComposePlanned planned) {
            return Optional.of(compose + planned.tasks().size() + " build task(s) planned");
        }
        if (event instanceof TaskStatusChanged t) {
            return Optional.of("[" + progress.tasksSummary() + "] task " + t.taskId().value() + " attempt " + t.attempt()
                    + ": " + t.newStatus().wireName() + (t.result() == null ? "" : " " + t.result().wireName())
                    + (t.reason() == null ? "" : " (" + t.reason() + ")"));
        }
        if (event instanceof ComposeBuilt built) {
            return Optional.of(compose + "builds done, outcome " + built.outcome().wireName()
                    + (built.outcome() == ComposeOutcome.DOOMED ? "" : "; publishing the image(s)"));
        }
        if (event instanceof ImageCommitted image) {
            return Optional.of(compose + image.architecture() + " image committed and pushed (" + image.layerCount()
                    + " layers, " + image.bytesPushed() + " bytes pushed)");
        }
        ImagePublishFailed failed = (ImagePublishFailed) event;
        return Optional.of(compose + failed.architecture() + " image failed at " + failed.stage() + ": "
                + failed.reason());
    }
}
