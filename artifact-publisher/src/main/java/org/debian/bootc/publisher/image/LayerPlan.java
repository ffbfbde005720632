package org.debian.bootc.publisher.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Splits a tree's entries into at most {@code maxLayers} layers by the Debian package
 * that owns them, as rpm-ostree's chunking does by RPM: one layer with every directory,
 * one per package (or group of small packages), and a last layer with what no package
 * owns (generated files: the dpkg status, ld.so.cache, /etc/passwd, the initramfs).
 * Updating one package then changes its own layer and the last one.
 *
 * <p>Placement is stable: a package that was in a layer of the previous image of the same
 * ref stays in the layer of that name. Without a previous image, each package has its own
 * layer while they fit; otherwise the largest packages get their own and the rest are
 * spread over {@value #GROUPS} groups by a hash of their name, so a new small package
 * lands in one group and disturbs no other. A new package with no room left joins the
 * smallest layer. Hard links to one inode all go into the layer of the first path.
 */
public final class LayerPlan {

    public static final String DIRECTORIES = "directories";
    public static final String UNOWNED = "unowned";
    static final int GROUPS = 8;

    /** One layer: its stable name, the packages in it and its entries in path order. */
    public record Layer(String name, List<String> packages, List<FileEntry> entries) {
    }

    private LayerPlan() {
    }

    /**
     * @param owner the owning package of a path, if any
     * @param previous package → layer name in the previous image of the same ref (empty: none)
     */
    public static List<Layer> plan(List<FileEntry> entries, Function<String, Optional<String>> owner,
            Map<String, String> previous, int maxLayers) {
        if (maxLayers < 3) {
            throw new IllegalArgumentException("maxLayers " + maxLayers + " is below 3 (directories, one package layer, unowned)");
        }
        List<FileEntry> directories = new ArrayList<>();
        Map<String, List<FileEntry>> byPackage = new TreeMap<>();
        List<FileEntry> unowned = new ArrayList<>();
        Map<String, Optional<String>> inodeOwner = new HashMap<>();
        for (FileEntry entry : entries) {
            if (entry.type() == FileEntry.Type.DIRECTORY) {
                directories.add(entry);
                continue;
            }
            Optional<String> pkg = entry.hardLinked()
                    ? inodeOwner.computeIfAbsent(entry.inode(), i -> owner.apply(entry.path()))
                    : owner.apply(entry.path());
            if (pkg.isPresent()) {
                byPackage.computeIfAbsent(pkg.get(), k -> new ArrayList<>()).add(entry);
            } else {
                unowned.add(entry);
            }
        }
        Map<String, Long> sizes = new HashMap<>();
        byPackage.forEach((pkg, files) -> sizes.put(pkg, files.stream().mapToLong(f -> f.size() + 512).sum()));
        Map<String, String> bins = assign(sizes, previous, maxLayers - 2);

        Map<String, List<String>> packagesOfBin = new TreeMap<>();
        bins.forEach((pkg, bin) -> packagesOfBin.computeIfAbsent(bin, k -> new ArrayList<>()).add(pkg));
        List<Layer> layers = new ArrayList<>();
        layers.add(new Layer(DIRECTORIES, List.of(), directories));
        for (Map.Entry<String, List<String>> bin : packagesOfBin.entrySet()) {
            List<String> packages = bin.getValue().stream().sorted().toList();
            List<FileEntry> files = new ArrayList<>();
            packages.forEach(p -> files.addAll(byPackage.get(p)));
            files.sort(Comparator.comparing(FileEntry::path));
            layers.add(new Layer(bin.getKey(), packages, files));
        }
        if (!unowned.isEmpty()) {
            layers.add(new Layer(UNOWNED, List.of(), unowned));
        }
        return layers;
    }

    /** package → layer name, for packages that own at least one non-directory entry. */
    static Map<String, String> assign(Map<String, Long> sizes, Map<String, String> previous, int maxBins) {
        List<String> bySize = new ArrayList<>(sizes.keySet());
        bySize.sort(Comparator.comparing((String p) -> -sizes.get(p)).thenComparing(p -> p));
        Map<String, String> bins = new TreeMap<>();
        TreeSet<String> previousBins = new TreeSet<>(previous.values());
        boolean stable = !previous.isEmpty() && previousBins.size() <= maxBins
                && !previousBins.contains(DIRECTORIES) && !previousBins.contains(UNOWNED);
        if (!stable) {
            int groups = Math.min(GROUPS, maxBins);
            int solo = bySize.size() <= maxBins ? bySize.size() : maxBins - groups;
            for (int i = 0; i < bySize.size(); i++) {
                String pkg = bySize.get(i);
                // String.hashCode is specified by the language, so the group is the same in every JVM.
                bins.put(pkg, i < solo ? "pkg:" + pkg : "group:" + Math.floorMod(pkg.hashCode(), groups));
            }
            return bins;
        }
        Map<String, Long> binSizes = new TreeMap<>();
        List<String> newcomers = new ArrayList<>();
        for (String pkg : bySize) {
            String bin = previous.get(pkg);
            if (bin != null) {
                bins.put(pkg, bin);
                binSizes.merge(bin, sizes.get(pkg), Long::sum);
            } else {
                newcomers.add(pkg);
            }
        }
        for (String pkg : newcomers) {
            String bin;
            if (binSizes.size() < maxBins && !binSizes.containsKey("pkg:" + pkg)) {
                bin = "pkg:" + pkg;
            } else {
                bin = binSizes.entrySet().stream()
                        .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                        .map(Map.Entry::getKey).orElseThrow();
            }
            bins.put(pkg, bin);
            binSizes.merge(bin, sizes.get(pkg), Long::sum);
        }
        return bins;
    }
}
