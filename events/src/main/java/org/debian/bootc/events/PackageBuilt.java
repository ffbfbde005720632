package org.debian.bootc.events;

import java.util.List;

/**
 * One build attempt ended. Written by chroot-executor, read by task-scheduler.
 *
 * @param taskId the record key
 * @param artifacts what the build produced (.deb, .buildinfo, .changes, the log); may be empty
 * @param logLocation optional: URI of the full build log; absent when the executor could not store it
 * @param logTail optional: the last lines of the log, so a failure can be read without fetching it
 * @param durationMillis wall-clock time of the attempt, from task received to artifacts uploaded
 */
public record PackageBuilt(TaskId taskId, int attempt, ComposeId composeId, ExecutorId executorId,
        BuildrootId buildrootId, BuildResult result, List<ArtifactRef> artifacts, String logLocation,
        String logTail, long durationMillis) implements Event {

    public PackageBuilt {
        Invariants.required("taskId", taskId);
        Invariants.atLeast("attempt", attempt, 1);
        Invariants.required("composeId", composeId);
        Invariants.required("executorId", executorId);
        Invariants.required("buildrootId", buildrootId);
        Invariants.required("result", result);
        artifacts = Invariants.list("artifacts", artifacts);
        Invariants.optionalText("logLocation", logLocation);
        Invariants.atLeast("durationMillis", durationMillis, 0);
    }

    @Override
    public String key() {
        return taskId.value();
    }

    @Override
    public EventType<PackageBuilt> eventType() {
        return EventType.PACKAGE_BUILT;
    }
}
