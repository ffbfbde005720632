package org.debian.bootc.cli.watch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;

/**
 * What is known of one compose from its events, in the order they were read:
 * the phase (planning, building, publishing, then the end status), the tasks done
 * of the total, the images committed and the images that failed. Pure state: no I/O.
 *
 * <p>Events of other composes are ignored; event types it does not know are ignored
 * too (a newer producer may add some).
 */
public final class ComposeProgress {

    /** Where the compose is, as a release engineer follows it. */
    public enum Phase {
        PLANNING("planning"), BUILDING("building"), PUBLISHING("publishing"), FINISHED("FINISHED"),
        FINISHED_INCOMPLETE("FINISHED_INCOMPLETE"), DOOMED("DOOMED");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean terminal() {
            return this == FINISHED || this == FINISHED_INCOMPLETE || this == DOOMED;
        }
    }

    /** The latest state of one task. */
    public record TaskState(String taskId, int attempt, TaskStatus status, TaskResult result, String reason) {

        boolean done() {
            return status == TaskStatus.COMPLETED || status == TaskStatus.ABORTED;
        }

        boolean failed() {
            return status == TaskStatus.ABORTED
                    || status == TaskStatus.COMPLETED && (result == TaskResult.FAILURE || result == TaskResult.ERROR);
        }
    }

    private final String composeId;
    private Phase phase = Phase.PLANNING;
    private boolean seen;
    private Integer plannedTasks;
    private final Map<String, TaskState> tasks = new LinkedHashMap<>();
    private final Map<String, ImageCommitted> images = new TreeMap<>();
    private final Map<String, ImagePublishFailed> imageFailures = new TreeMap<>();
    private ComposeOutcome builtOutcome;
    private String reason;

    public ComposeProgress(String composeId) {
        this.composeId = composeId;
    }

    /**
     * Applies one event; returns whether anything shown changed.
     */
    public boolean apply(Event event) {
        String before = signature();
        if (event instanceof ComposeStatusChanged status) {
            if (status.composeId() == null || !composeId.equals(status.composeId().value())) {
                return false;
            }
            seen = true;
            ComposeStatus s = status.newStatus();
            if (s == ComposeStatus.STARTED) {
                if (phase == Phase.PLANNING) {
                    phase = Phase.BUILDING;
                }
            } else if (s == ComposeStatus.FINISHED) {
                phase = Phase.FINISHED;
            } else if (s == ComposeStatus.FINISHED_INCOMPLETE) {
                phase = Phase.FINISHED_INCOMPLETE;
            } else if (s == ComposeStatus.DOOMED) {
                phase = Phase.DOOMED;
            }
            if (status.reason() != null) {
                reason = status.reason();
            }
        } else if (event instanceof ComposePlanned planned) {
            if (!composeId.equals(planned.composeId().value())) {
                return false;
            }
            seen = true;
            plannedTasks = planned.tasks().size();
            planned.tasks().forEach(t -> tasks.putIfAbsent(t.value(), null));
            if (phase == Phase.PLANNING) {
                phase = Phase.BUILDING;
            }
        } else if (event instanceof TaskStatusChanged task) {
            if (!composeId.equals(task.composeId().value())) {
                return false;
            }
            seen = true;
            TaskState old = tasks.get(task.taskId().value());
            // An older attempt's late news never overwrites a newer attempt's.
            if (old == null || task.attempt() >= old.attempt()) {
                tasks.put(task.taskId().value(), new TaskState(task.taskId().value(), task.attempt(), task.newStatus(),
                        task.result(), task.reason()));
            }
            if (phase == Phase.PLANNING) {
                phase = Phase.BUILDING;
            }
        } else if (event instanceof ComposeBuilt built) {
            if (!composeId.equals(built.composeId().value())) {
                return false;
            }
            seen = true;
            builtOutcome = built.outcome();
            if (!phase.terminal()) {
                phase = Phase.PUBLISHING;
            }
        } else if (event instanceof ImageCommitted image) {
            if (!composeId.equals(image.composeId().value())) {
                return false;
            }
            seen = true;
            images.put(image.architecture(), image);
            imageFailures.remove(image.architecture());
            if (!phase.terminal()) {
                phase = Phase.PUBLISHING;
            }
        } else if (event instanceof ImagePublishFailed failed) {
            if (!composeId.equals(failed.composeId().value())) {
                return false;
            }
            seen = true;
            imageFailures.put(failed.architecture(), failed);
            if (!phase.terminal()) {
                phase = Phase.PUBLISHING;
            }
        } else {
            return false;
        }
        return !before.equals(signature());
    }

    private String signature() {
        return phase + "/" + done() + "/" + total() + "/" + failed() + "/" + images.keySet() + "/"
                + imageFailures.keySet();
    }

    public String composeId() {
        return composeId;
    }

    /** Whether any event of this compose was read. */
    public boolean seen() {
        return seen;
    }

    public Phase phase() {
        return phase;
    }

    /** The planned number of tasks, or those seen so far when compose-planned was not read. */
    public int total() {
        return plannedTasks != null ? plannedTasks : tasks.size();
    }

    public long done() {
        return tasks.values().stream().filter(t -> t != null && t.done()).count();
    }

    public long failed() {
        return tasks.values().stream().filter(t -> t != null && t.failed()).count();
    }

    public long running() {
        return tasks.values().stream().filter(t -> t != null && t.status() == TaskStatus.RUNNING).count();
    }

    /** The tasks by how far they are, for a line of a log: "1/3 done, 1 running, 1 failed". */
    public String tasksSummary() {
        return done() + "/" + total() + " done" + (running() > 0 ? ", " + running() + " running" : "")
                + (failed() > 0 ? ", " + failed() + " failed" : "");
    }

    /** Whether the event is one of this compose's (of a type this class follows). */
    public boolean concerns(Event event) {
        ComposeId of;
        if (event instanceof ComposeStatusChanged status) {
            of = status.composeId();
        } else if (event instanceof ComposePlanned planned) {
            of = planned.composeId();
        } else if (event instanceof TaskStatusChanged task) {
            of = task.composeId();
        } else if (event instanceof ComposeBuilt built) {
            of = built.composeId();
        } else if (event instanceof ImageCommitted image) {
            of = image.composeId();
        } else if (event instanceof ImagePublishFailed failed) {
            of = failed.composeId();
        } else {
            return false;
        }
        return of != null && composeId.equals(of.value());
    }

    /** The tasks that failed or were aborted, with their reasons. */
    public List<TaskState> failedTasks() {
        List<TaskState> out = new ArrayList<>();
        tasks.values().stream().filter(t -> t != null && t.failed()).forEach(out::add);
        return out;
    }

    /** Committed images by architecture. */
    public Map<String, ImageCommitted> images() {
        return Map.copyOf(images);
    }

    public Map<String, ImagePublishFailed> imageFailures() {
        return Map.copyOf(imageFailures);
    }

    public ComposeOutcome builtOutcome() {
        return builtOutcome;
    }

    /** The reason the planner gave with the last status, if any. */
    public String reason() {
        return reason;
    }

    /** One line: "building: 3/20 tasks done, 1 failed". */
    public String describe() {
        StringBuilder sb = new StringBuilder(phase.label());
        switch (phase) {
            case PLANNING -> sb.append(": waiting for the plan");
            case BUILDING -> sb.append(": ").append(done()).append('/').append(total()).append(" tasks done, ")
                    .append(failed()).append(" failed");
            case PUBLISHING -> {
                sb.append(": ").append(done()).append('/').append(total()).append(" tasks done, ").append(failed())
                        .append(" failed");
                if (builtOutcome != null) {
                    sb.append(", built ").append(builtOutcome.wireName());
                }
                sb.append(", ").append(images.size()).append(images.size() == 1 ? " image" : " images")
                        .append(" committed");
                if (!imageFailures.isEmpty()) {
                    sb.append(", ").append(imageFailures.size()).append(" failed");
                }
            }
            default -> {
                sb.append(": ").append(done()).append('/').append(total()).append(" tasks done, ").append(failed())
                        .append(" failed, ").append(images.size()).append(images.size() == 1 ? " image" : " images");
                if (reason != null) {
                    sb.append(" (").append(reason).append(')');
                }
            }
        }
        return sb.toString();
    }

    /** 0 to 1: tasks count for 90 %, the images of the publishing phase for the rest. */
    public double fraction() {
        if (phase.terminal()) {
            return 1.0;
        }
        double building = total() == 0 ? (phase == Phase.PLANNING ? 0 : 1) : (double) done() / total();
        return phase == Phase.PUBLISHING ? 0.9 + 0.1 * Math.min(1, images.size()) * 0.5 : 0.9 * building;
    }
}
