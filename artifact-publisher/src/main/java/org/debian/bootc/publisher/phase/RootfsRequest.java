package org.debian.bootc.publisher.phase;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.debian.bootc.publisher.BinaryPackage;
import org.debian.bootc.publisher.apt.BuiltPackagesAptRepository;

/**
 * What a root file system is made from.
 *
 * @param architecture the Debian architecture of the image
 * @param archive the Debian archive the plan was resolved against (from the event or configuration)
 * @param suite the archive's suite, e.g. {@code bookworm}
 * @param components the archive's components, e.g. {@code [main]}
 * @param packages the resolved install closure at exact versions
 * @param builtPackagesRepository the compose's own repository, pinned above the archive (empty: nothing was rebuilt)
 * @param extraSources further apt one-line sources ({@code deb [signed-by=...] uri suite components})
 * @param sourceDateEpoch SOURCE_DATE_EPOCH for the tools, so equal inputs give equal trees
 */
public record RootfsRequest(String architecture, URI archive, String suite, List<String> components,
        List<BinaryPackage> packages, Optional<BuiltPackagesAptRepository> builtPackagesRepository, List<String> extraSources,
        long sourceDateEpoch) {

    public RootfsRequest {
        if (!archive.isAbsolute()) {
            throw new IllegalArgumentException("archive \"" + archive + "\" is not an absolute URI");
        }
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("packages is empty: a root file system needs a resolved package set");
        }
        components = List.copyOf(components);
        packages = List.copyOf(packages);
        extraSources = List.copyOf(extraSources);
    }
}
