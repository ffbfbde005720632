package org.debian.bootc.events;

import java.time.Instant;
import java.util.List;

/**
 * One attempt of a task handed to the executors of its architecture. Written by
 * task-scheduler on {@code build-tasks.<architecture>}, read by chroot-executor
 * (one consumer group per architecture). The executor must finish, or the
 * scheduler hears nothing, before {@code leaseExpiresAt}; after that the scheduler
 * may dispatch a new attempt, and results of the old one are ignored.
 *
 * @param taskId the record key
 * @param attempt 1 for the first attempt; a retry is a new attempt with a higher number
 * @param buildProfile optional, as in {@link PackageBuildQueued}
 * @param archive as in {@link PackageBuildQueued}: build-deps come from it (suite, main)
 * @param inReleaseSha256 as in {@link PackageBuildQueued}; part of the base chroot's cache key
 * @param extraRepositories optional: the compose's extra apt repositories, with their keys
 *        of repositories holding packages built earlier in the compose; absent reads as empty
 */
public record BuildTaskDispatched(TaskId taskId, int attempt, ComposeId composeId, SourcePackage source,
        String architecture, String suite, String archive, String inReleaseSha256, BuildType buildType,
        String buildProfile, String contentKey, Instant leaseExpiresAt, List<AptRepository> extraRepositories) implements Event {

    public BuildTaskDispatched {
        Invariants.required("taskId", taskId);
        Invariants.atLeast("attempt", attempt, 1);
        Invariants.required("composeId", composeId);
        Invariants.required("source", source);
        Invariants.text("architecture", architecture);
        Invariants.text("suite", suite);
        Invariants.text("archive", archive);
        Invariants.sha256("inReleaseSha256", inReleaseSha256);
        Invariants.required("buildType", buildType);
        Invariants.optionalText("buildProfile", buildProfile);
        Invariants.sha256("contentKey", contentKey);
        Invariants.required("leaseExpiresAt", leaseExpiresAt);
        extraRepositories = Invariants.optionalList(extraRepositories);
    }

    @Override
    public String key() {
        return taskId.value();
    }

    @Override
    public EventType<BuildTaskDispatched> eventType() {
        return EventType.BUILD_TASK_DISPATCHED;
    }

    /** {@code build-tasks.<architecture>}. */
    @Override
    public String topic() {
        return Topics.buildTasks(architecture);
    }
}
