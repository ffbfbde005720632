package org.debian.bootc.planner.archive;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Questions a manifest's validation asks of a suite's indices, answered without
 * apt: which listed packages the suite does not have, and whether a source package
 * (in a given version) is there.
 */
public final class ArchiveChecks {

    /** The answer to {@link #sourceVersion}. */
    public sealed interface SourceLookup {

        boolean present();

        /** The suite has the source package in the version asked for (the newest when none was). */
        record Found(SourceIndex.SourcePackage source) implements SourceLookup {
            @Override
            public boolean present() {
                return true;
            }
        }

        /**
         * It has not.
         *
         * @param available the versions the suite does have, newest first (empty: no such source package)
         */
        record Missing(String source, Optional<String> version, String suite, List<String> available)
                implements SourceLookup {

            public Missing {
                available = List.copyOf(available);
            }

            @Override
            public boolean present() {
                return false;
            }

            public String message() {
                if (available.isEmpty()) {
                    return "source package '" + source + "' is not in " + suite;
                }
                return "source package '" + source + "' has no version " + version.orElse("?") + " in " + suite
                        + "; available: " + String.join(", ", available);
            }
        }
    }

    private final String suite;
    private final PackageIndex packages;
    private final SourceIndex sources;

    public ArchiveChecks(String suite, PackageIndex packages, SourceIndex sources) {
        this.suite = suite;
        this.packages = packages;
        this.sources = sources;
    }

    /** Reads the snapshot's Packages of one architecture and its Sources. */
    public static ArchiveChecks of(ArchiveSnapshot snapshot, String architecture) {
        return new ArchiveChecks(snapshot.suite(),
                PackageIndex.read(snapshot.packages(architecture).stream().map(IndexFile::file).toList()),
                SourceIndex.read(snapshot.sources().stream().map(IndexFile::file).toList()));
    }

    /** The names that are neither a package nor provided by one, in the order given, each once. */
    public List<String> unknownPackages(List<String> names) {
        return List.copyOf(names.stream().filter(n -> !packages.knows(n))
                .collect(Collectors.toCollection(LinkedHashSet::new)));
    }

    public SourceLookup sourceVersion(String source, Optional<String> version) {
        Optional<SourceIndex.SourcePackage> found = sources.find(source, version);
        if (found.isPresent()) {
            return new SourceLookup.Found(found.get());
        }
        List<String> available = sources.versions(source).stream().map(SourceIndex.SourcePackage::version).toList();
        return new SourceLookup.Missing(source, version, suite, available);
    }

    public PackageIndex packages() {
        return packages;
    }

    public SourceIndex sources() {
        return sources;
    }
}
