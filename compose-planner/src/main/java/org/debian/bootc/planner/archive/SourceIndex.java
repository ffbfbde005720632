package org.debian.bootc.planner.archive;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.deb822.Deb822;
import org.debian.bootc.debian.version.DebianVersion;

/** The source packages of one or more Sources indices, every version of each. */
public final class SourceIndex {

    /** A file of a source package, as Checksums-Sha256 lists it. */
    public record SourceFile(String name, long size, String sha256) {
    }

    /**
     * One stanza of a Sources index. Relation fields are kept as written (folded to
     * one line): reading them is the build order's business.
     *
     * @param binaries the binary packages it builds (Binary)
     * @param architectures e.g. {@code any}, {@code all}, {@code linux-any all}
     * @param directory where its files are, below the archive root, e.g. {@code pool/main/h/hello}
     * @param files from Checksums-Sha256, the {@code .dsc} among them
     */
    public record SourcePackage(String name, String version, List<String> binaries, String buildDepends,
            String buildDependsArch, String buildDependsIndep, List<String> architectures, String directory,
            List<SourceFile> files) {

        public SourcePackage {
            binaries = List.copyOf(binaries);
            architectures = List.copyOf(architectures);
            files = List.copyOf(files);
        }

        public Optional<SourceFile> dsc() {
            return files.stream().filter(f -> f.name().endsWith(".dsc")).findFirst();
        }
    }

    private static final Set<String> FIELDS = Set.of("package", "version", "binary", "build-depends",
            "build-depends-arch", "build-depends-indep", "architecture", "directory", "checksums-sha256");
    private static final Comparator<SourcePackage> NEWEST_FIRST =
            Comparator.comparing(SourcePackage::version, DebianVersion.ORDER).reversed();

    private final Map<String, List<SourcePackage>> byName;

    private SourceIndex(Map<String, List<SourcePackage>> byName) {
        this.byName = byName;
    }

    /** Reads Sources files (plain, or {@code .gz} by name). */
    public static SourceIndex read(Collection<Path> files) {
        List<SourcePackage> packages = new ArrayList<>();
        for (Path file : files) {
            try {
                Deb822.forEach(file, FIELDS, p -> packages.add(of(p, file.toString())));
            } catch (FileSyntaxException e) {
                throw new ArchiveException.MalformedIndex(e);
            }
        }
        return of(packages);
    }

    public static SourceIndex of(Collection<SourcePackage> packages) {
        Map<String, List<SourcePackage>> byName = new HashMap<>();
        for (SourcePackage p : packages) {
            byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
        }
        byName.values().forEach(l -> l.sort(NEWEST_FIRST));
        return new SourceIndex(byName);
    }

    static SourcePackage of(Deb822.Paragraph p, String where) {
        String name = p.get("Package").orElseThrow(() -> new ArchiveException.MalformedIndex(where, p.line(),
                "stanza without Package"));
        List<SourceFile> files = new ArrayList<>();
        for (String line : p.continuationLines("Checksums-Sha256")) {
            String[] w = line.strip().split("\\s+");
            if (w.length != 3) {
                throw new ArchiveException.MalformedIndex(where, p.line(),
                        "bad Checksums-Sha256 line '" + line.strip() + "' of " + name);
            }
            files.add(new SourceFile(w[2], Long.parseLong(w[1]), w[0]));
        }
        return new SourcePackage(name, p.getOrEmpty("Version"), p.commaList("Binary"), p.folded("Build-Depends"),
                p.folded("Build-Depends-Arch"), p.folded("Build-Depends-Indep"), p.words("Architecture"),
                p.getOrEmpty("Directory"), files);
    }

    /** Every version of the source package, newest first; empty when the index has none. */
    public List<SourcePackage> versions(String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    /** The given version, or the newest when no version is asked for. */
    public Optional<SourcePackage> find(String name, Optional<String> version) {
        List<SourcePackage> versions = byName.getOrDefault(name, List.of());
        if (version.isEmpty()) {
            return versions.stream().findFirst();
        }
        return versions.stream().filter(v -> DebianVersion.compare(v.version(), version.get()) == 0).findFirst();
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }
}
