package org.debian.bootc.planner.archive;

import java.util.List;

/**
 * Which indices of a suite a snapshot fetches.
 *
 * @param components e.g. {@code main}
 * @param architectures the binary architectures whose Packages are fetched
 * @param sources whether each component's Sources is fetched too
 */
public record IndexSelection(List<String> components, List<String> architectures, boolean sources) {

    public IndexSelection {
        components = List.copyOf(components);
        architectures = List.copyOf(architectures);
    }

    /** Packages of {@code main} for each architecture, and Sources of {@code main}. */
    public static IndexSelection main(List<String> architectures) {
        return new IndexSelection(List.of("main"), architectures, true);
    }

    /** Only the InRelease file. */
    public static IndexSelection releaseOnly() {
        return new IndexSelection(List.of(), List.of(), false);
    }
}
