package org.debian.bootc.executor.service;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.executor.failure.BuildFailure;

/**
 * How one build attempt ended.
 *
 * @param logLocation the stored log's URI, or empty when it could not be stored
 * @param failure why it did not succeed; empty on success
 * @param debsDownloaded how many .debs apt downloaded for the build-deps (0 when the shared cache had them all)
 * @param baseMade whether this attempt had to make its base chroot (ran mmdebstrap)
 * @param stageDurations each stage that ran (the one that failed too) and how long it took, in stage order
 */
public record BuildOutcome(BuildrootId buildrootId, BuildResult result, List<ArtifactRef> artifacts,
        Optional<String> logLocation, List<String> logTail, long durationMillis, Optional<BuildFailure> failure,
        int debsDownloaded, boolean baseMade, Map<BuildStage, Duration> stageDurations) {

    public BuildOutcome {
        artifacts = List.copyOf(artifacts);
        logTail = List.copyOf(logTail);
        stageDurations = stageDurations.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new EnumMap<>(stageDurations));
    }
}
