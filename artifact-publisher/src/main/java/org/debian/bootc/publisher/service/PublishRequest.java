package org.debian.bootc.publisher.service;

import java.util.List;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.TaskResult;

/**
 * One image to publish: the compose, its plan, the architecture's target, and the
 * compose's successful builds (their binary packages and source names).
 */
public record PublishRequest(String composeId, String version, ComposePlan plan, ImageTarget target,
        List<ArtifactRef> builtPackages, List<String> rebuiltSources) {

    public PublishRequest {
        builtPackages = List.copyOf(builtPackages);
        rebuiltSources = List.copyOf(rebuiltSources);
    }

    /**
     * The request for {@code target} from a compose-built event: the binary packages of
     * every successful build for the target's architecture or {@code all}.
     */
    public static PublishRequest of(ComposeBuilt built, ImageTarget target) {
        List<PackageResult> usable = built.packages().stream()
                .filter(p -> p.result() == TaskResult.SUCCESS)
                .filter(p -> p.architecture().equals(target.architecture()) || p.architecture().equals("all"))
                .toList();
        List<ArtifactRef> debs = usable.stream().flatMap(p -> p.artifacts().stream())
                .filter(a -> ArtifactRef.BINARY_PACKAGE.equals(a.category())).toList();
        List<String> sources = usable.stream().map(PackageResult::source).distinct().sorted().toList();
        return new PublishRequest(built.composeId().value(), target.imageTag(), built.plan(), target, debs, sources);
    }
}
