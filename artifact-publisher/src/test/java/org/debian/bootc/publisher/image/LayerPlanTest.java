package org.debian.bootc.publisher.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class LayerPlanTest {

    private static FileEntry dir(String path) {
        return new FileEntry(path, FileEntry.Type.DIRECTORY, 0755, 0, 0, 0, 0, null, "d:" + path, 2, 0, 0, new TreeMap<>());
    }

    /** {@code count} packages, package i owning one file of (i+1) KiB, plus /usr and an unowned file. */
    private static List<FileEntry> tree(int count) {
        List<FileEntry> entries = new ArrayList<>();
        entries.add(dir("usr"));
        for (int i = 0; i < count; i++) {
            entries.add(FileEntry.file("usr/p" + i, 0644, 0, 0, (i + 1) * 1024L, 0));
        }
        entries.add(FileEntry.file("etc/ld.so.cache", 0644, 0, 0, 10, 0));
        return entries;
    }

    private static Optional<String> owner(String path) {
        return path.startsWith("usr/p") ? Optional.of("pkg" + path.substring(5)) : Optional.empty();
    }

    private static Map<String, String> placement(List<LayerPlan.Layer> layers) {
        Map<String, String> placement = new HashMap<>();
        layers.forEach(l -> l.packages().forEach(p -> placement.put(p, l.name())));
        return placement;
    }

    @Test
    void directoriesFirstUnownedLastOneLayerPerPackageWhileTheyFit() {
        List<LayerPlan.Layer> layers = LayerPlan.plan(tree(5), LayerPlanTest::owner, Map.of(), 64);

        assertEquals(7, layers.size());
        assertEquals(LayerPlan.DIRECTORIES, layers.get(0).name());
        assertEquals(List.of("usr"), layers.get(0).entries().stream().map(FileEntry::path).toList());
        assertEquals(LayerPlan.UNOWNED, layers.get(6).name());
        assertEquals(List.of("etc/ld.so.cache"), layers.get(6).entries().stream().map(FileEntry::path).toList());
        assertEquals(List.of("pkg0"), layers.stream().filter(l -> l.name().equals("pkg:pkg0")).findFirst().orElseThrow().packages());
    }

    @Test
    void neverMoreThanTheLimitAndTheLargestPackagesAlone() {
        List<LayerPlan.Layer> layers = LayerPlan.plan(tree(300), LayerPlanTest::owner, Map.of(), 64);

        assertEquals(64, layers.size());
        assertTrue(layers.stream().anyMatch(l -> l.name().equals("pkg:pkg299")), "the largest package has its own layer");
        assertEquals(300, layers.stream().mapToInt(l -> l.packages().size()).sum());
    }

    @Test
    void aPackageKeepsItsLayerWhenSizesChangeAndNewPackagesArrive() {
        List<LayerPlan.Layer> before = LayerPlan.plan(tree(300), LayerPlanTest::owner, Map.of(), 64);
        // pkg0 grows to the largest package, and ten new packages arrive.
        List<FileEntry> after = new ArrayList<>(tree(310));
        after.replaceAll(e -> e.path().equals("usr/p0") ? FileEntry.file("usr/p0", 0644, 0, 0, 10_000_000, 0) : e);

        List<LayerPlan.Layer> layers = LayerPlan.plan(after, LayerPlanTest::owner, placement(before), 64);

        Map<String, String> was = placement(before);
        Map<String, String> now = placement(layers);
        was.forEach((pkg, layer) -> assertEquals(layer, now.get(pkg), pkg + " moved"));
        assertTrue(layers.size() <= 64);
        assertEquals(310, now.size());
    }

    @Test
    void aOnePackageChangeLeavesEveryOtherPackageLayerAlone() {
        List<LayerPlan.Layer> before = LayerPlan.plan(tree(300), LayerPlanTest::owner, Map.of(), 64);
        List<FileEntry> changed = new ArrayList<>(tree(300));
        changed.replaceAll(e -> e.path().equals("usr/p7") ? FileEntry.file("usr/p7", 0644, 0, 0, 99, 0) : e);

        List<LayerPlan.Layer> after = LayerPlan.plan(changed, LayerPlanTest::owner, placement(before), 64);

        Map<String, List<FileEntry>> was = before.stream().collect(Collectors.toMap(LayerPlan.Layer::name, LayerPlan.Layer::entries));
        long differing = after.stream().filter(l -> !l.entries().equals(was.get(l.name()))).count();
        assertEquals(1, differing);
    }

    @Test
    void hardLinksStayInTheLayerOfTheirFirstPath() {
        List<FileEntry> entries = List.of(
                new FileEntry("usr/p1", FileEntry.Type.FILE, 0755, 0, 0, 5, 0, null, "1:42", 2, 0, 0, new TreeMap<>()),
                new FileEntry("usr/zz-link", FileEntry.Type.FILE, 0755, 0, 0, 5, 0, null, "1:42", 2, 0, 0, new TreeMap<>()));

        List<LayerPlan.Layer> layers = LayerPlan.plan(entries, LayerPlanTest::owner, Map.of(), 64);

        assertEquals(List.of("usr/p1", "usr/zz-link"),
                layers.stream().filter(l -> l.name().equals("pkg:pkg1")).findFirst().orElseThrow().entries().stream()
                        .map(FileEntry::path).toList());
    }

    @Test
    void aLimitBelowThreeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerPlan.plan(tree(1), LayerPlanTest::owner, Map.of(), 2));
        assertTrue(e.getMessage().contains("maxLayers 2"), e.getMessage());
    }
}
