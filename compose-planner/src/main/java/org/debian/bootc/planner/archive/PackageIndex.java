package org.debian.bootc.planner.archive;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.deb822.Deb822;
import org.debian.bootc.debian.version.DebianVersion;

/**
 * The binary packages of one or more Packages indices: every version of every
 * name, and which names are provided by which packages.
 */
public final class PackageIndex {

    /**
     * One stanza of a Packages index.
     *
     * @param source the source package's name (the binary's name when the stanza has no Source)
     * @param provides the names it provides, without versions or architecture qualifiers
     */
    public record BinaryPackage(String name, String version, String architecture, String source,
            List<String> provides, boolean essential, String priority) {

        public BinaryPackage {
            provides = List.copyOf(provides);
        }
    }

    private static final Set<String> FIELDS = Set.of("package", "version", "architecture", "source", "provides",
            "essential", "priority");
    private static final Comparator<BinaryPackage> NEWEST_FIRST =
            Comparator.comparing(BinaryPackage::version, DebianVersion.ORDER).reversed();

    private final Map<String, List<BinaryPackage>> byName;
    private final Map<String, List<BinaryPackage>> providers;

    private PackageIndex(Map<String, List<BinaryPackage>> byName, Map<String, List<BinaryPackage>> providers) {
        this.byName = byName;
        this.providers = providers;
    }

    /** Reads Packages files (plain, or {@code .gz} by name). */
    public static PackageIndex read(Collection<Path> files) {
        List<BinaryPackage> packages = new ArrayList<>();
        for (Path file : files) {
            try {
                Deb822.forEach(file, FIELDS, p -> packages.add(of(p, file)));
            } catch (FileSyntaxException e) {
                throw new ArchiveException.MalformedIndex(e);
            }
        }
        return of(packages);
    }

    public static PackageIndex of(Collection<BinaryPackage> packages) {
        Map<String, List<BinaryPackage>> byName = new HashMap<>();
        Map<String, List<BinaryPackage>> providers = new HashMap<>();
        for (BinaryPackage p : packages) {
            byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p);
            for (String provided : p.provides()) {
                providers.computeIfAbsent(provided, n -> new ArrayList<>()).add(p);
            }
        }
        byName.values().forEach(l -> l.sort(NEWEST_FIRST));
        return new PackageIndex(byName, providers);
    }

    private static BinaryPackage of(Deb822.Paragraph p, Path file) {
        String name = p.get("Package").orElseThrow(() -> new ArchiveException.MalformedIndex(file.toString(),
                p.line(), "stanza without Package"));
        String source = p.get("Source").map(s -> s.split("\\s+")[0]).orElse(name);
        List<String> provides = p.commaList("Provides").stream().map(PackageIndex::relationName).toList();
        return new BinaryPackage(name, p.getOrEmpty("Version"), p.getOrEmpty("Architecture"), source, provides,
                p.getOrEmpty("Essential").equalsIgnoreCase("yes"), p.getOrEmpty("Priority"));
    }

    /** "foo (= 1.0)" and "foo:any" name "foo". */
    static String relationName(String relation) {
        String name = relation.strip().split("[\\s(\\[<]", 2)[0];
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** Every version of a real package, newest first; empty when there is none of that name. */
    public List<BinaryPackage> versions(String name) {
        return List.copyOf(byName.getOrDefault(name, List.of()));
    }

    /** The packages that provide the (virtual) name. */
    public List<BinaryPackage> providers(String name) {
        return List.copyOf(providers.getOrDefault(name, List.of()));
    }

    /** Whether apt could find something for the name: a real package or one that provides it. */
    public boolean knows(String name) {
        return byName.containsKey(name) || providers.containsKey(name);
    }

    /** Names of the packages with {@code Essential: yes} or {@code Priority: required}, sorted. */
    public Set<String> essentialOrRequired() {
        Set<String> names = new TreeSet<>();
        byName.forEach((name, versions) -> {
            if (versions.stream().anyMatch(v -> v.essential() || v.priority().equals("required"))) {
                names.add(name);
            }
        });
        return names;
    }

    public Set<String> names() {
        return new TreeSet<>(byName.keySet());
    }

    /** How many stanzas (name and version pairs) the index holds. */
    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }
}
