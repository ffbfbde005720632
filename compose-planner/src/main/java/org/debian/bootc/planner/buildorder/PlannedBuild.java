package org.debian.bootc.planner.buildorder;

import java.util.List;
import java.util.Objects;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;

/**
 * One build of one source package on one architecture, as the plan orders it.
 *
 * @param taskId {@code <composeId>:<source>:<architecture>}
 * @param source the source package (dsc and files with sha256)
 * @param architecture the architecture it builds on; for a {@link BuildType#ALL} build, the one
 *        the arch-all part was placed on
 * @param buildType {@code -B}, {@code -A} or {@code -b}
 * @param waits the builds it waits for, sorted by task id, each with the binary that made it wait
 * @param contentKey see {@link ContentKey}
 */
public record PlannedBuild(TaskId taskId, SourcePackage source, String architecture, BuildType buildType,
        List<Wait> waits, String contentKey) {

    public PlannedBuild {
        Objects.requireNonNull(taskId, "taskId is required");
        Objects.requireNonNull(source, "source is required");
        Objects.requireNonNull(architecture, "architecture is required");
        Objects.requireNonNull(buildType, "buildType is required");
        waits = List.copyOf(waits);
        ContentKey.requireSha256("contentKey", contentKey);
    }

    /** The task ids of {@link #waits()}, in the same order. */
    public List<TaskId> waitsFor() {
        return waits.stream().map(Wait::taskId).toList();
    }

    /**
     * One build-dep edge.
     *
     * @param taskId the build waited for
     * @param binary the first binary (in field order) of that build's source that this build
     *        build-depends on
     */
    public record Wait(TaskId taskId, String binary) {

        public Wait {
            Objects.requireNonNull(taskId, "taskId is required");
            Objects.requireNonNull(binary, "binary is required");
        }
    }
}
