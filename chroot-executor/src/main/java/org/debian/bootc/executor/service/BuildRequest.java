package org.debian.bootc.executor.service;

import java.util.List;
import java.util.Optional;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;

/**
 * What one build attempt needs, independent of the event that carried it.
 *
 * @param archive the archive root for build-deps and the base; empty: configuration, then the machine's apt sources
 * @param inReleaseSha256 the archive state the planner resolved against; empty: the executor fetches InRelease
 */
public record BuildRequest(TaskId taskId, int attempt, ComposeId composeId, SourcePackage source, String architecture,
        String suite, Optional<String> archive, Optional<String> inReleaseSha256, BuildType buildType,
        Optional<String> buildProfile, List<ExtraRepository> extraRepositories) {

    public BuildRequest {
        extraRepositories = List.copyOf(extraRepositories);
    }
}
