package org.debian.bootc.planner.archive;

import java.util.Comparator;

/** A binary package in an install closure, as apt chose it. */
public record ResolvedPackage(String name, String version, String architecture) {

    /** By name, then architecture: the order of {@code packages.json}. */
    public static final Comparator<ResolvedPackage> ORDER =
            Comparator.comparing(ResolvedPackage::name).thenComparing(ResolvedPackage::architecture)
                    .thenComparing(ResolvedPackage::version, DebianVersion.ORDER);
}
