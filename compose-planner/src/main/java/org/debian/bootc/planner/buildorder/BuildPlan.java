package org.debian.bootc.planner.buildorder;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.PackageBuildQueued;

/**
 * The outcome of {@link BuildOrder#plan}: every build of the rebuild set, each after all the
 * builds it waits for.
 *
 * @param composeId the compose
 * @param suite the suite whose archive satisfies the build-deps
 * @param architectures the manifest's architectures, in its order
 * @param profiles the active build profiles, sorted
 * @param inReleaseSha256 the InRelease the plan was made against
 * @param builds topologically sorted: dependencies first, ties by source name then by the
 *        architecture's position in {@code architectures}
 */
public record BuildPlan(ComposeId composeId, String suite, List<String> architectures, List<String> profiles,
        String inReleaseSha256, List<PlannedBuild> builds) {

    public BuildPlan {
        Objects.requireNonNull(composeId, "composeId is required");
        Objects.requireNonNull(suite, "suite is required");
        architectures = List.copyOf(architectures);
        profiles = profiles.stream().sorted().toList();
        ContentKey.requireSha256("inReleaseSha256", inReleaseSha256);
        builds = List.copyOf(builds);
    }

    /** {@code DEB_BUILD_PROFILES}: the profiles space separated, or null when none is active. */
    public String buildProfile() {
        return profiles.isEmpty() ? null : String.join(" ", profiles);
    }

    /** The build of {@code source} on {@code architecture}, arch-all builds under the architecture they run on. */
    public Optional<PlannedBuild> find(String source, String architecture) {
        return builds.stream()
                .filter(build -> build.source().name().equals(source) && build.architecture().equals(architecture))
                .findFirst();
    }

    /**
     * One {@code package-build-queued} per build, in the plan's order.
     *
     * @param archive the absolute URI of the archive the plan was made against
     */
    public List<PackageBuildQueued> toEvents(String archive) {
        String buildProfile = buildProfile();
        return builds.stream()
                .map(build -> new PackageBuildQueued(composeId, build.taskId(), build.source(), build.architecture(),
                        suite, archive, inReleaseSha256, build.buildType(), buildProfile, build.waitsFor(), build.contentKey()))
                .toList();
    }
}
