package org.debian.bootc.events;

import java.util.List;

/**
 * The planner wants one source package built for one architecture as part of a
 * compose. Written by compose-planner, read by task-scheduler, which persists the
 * task and dispatches it once every task in {@code waitsFor} has completed.
 *
 * @param composeId the compose the build belongs to; the record key
 * @param taskId assigned by the planner, stable across re-plans of the same compose
 * @param source the source package to build
 * @param architecture the Debian architecture to build on (decides the build-tasks topic)
 * @param suite the suite whose packages satisfy the build dependencies, e.g. {@code bookworm}
 * @param archive the absolute URI of the Debian archive the planner resolved against
 * @param inReleaseSha256 sha256 of that archive's InRelease for the suite when planned
 * @param buildType what dpkg-buildpackage builds
 * @param buildProfile optional: {@code DEB_BUILD_PROFILES}, space separated, e.g. {@code nocheck}
 * @param waitsFor tasks whose packages are build dependencies of this one (may be empty)
 * @param contentKey sha256 of everything that decides the build's output (source, base chroot,
 *        build-deps, build type and profile): an equal key means an equal result, so it is not rebuilt
 */
public record PackageBuildQueued(ComposeId composeId, TaskId taskId, SourcePackage source, String architecture,
        String suite, String archive, String inReleaseSha256, BuildType buildType, String buildProfile, List<TaskId> waitsFor, String contentKey)
        implements Event {

    public PackageBuildQueued {
        Invariants.required("composeId", composeId);
        Invariants.required("taskId", taskId);
        Invariants.required("source", source);
        Invariants.text("architecture", architecture);
        Invariants.text("suite", suite);
        Invariants.text("archive", archive);
        Invariants.sha256("inReleaseSha256", inReleaseSha256);
        Invariants.required("buildType", buildType);
        Invariants.optionalText("buildProfile", buildProfile);
        waitsFor = Invariants.list("waitsFor", waitsFor);
        Invariants.sha256("contentKey", contentKey);
    }

    @Override
    public String key() {
        return composeId.value();
    }

    @Override
    public EventType<PackageBuildQueued> eventType() {
        return EventType.PACKAGE_BUILD_QUEUED;
    }
}
