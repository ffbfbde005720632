package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BaseKey;
import org.debian.bootc.executor.buildroot.BuildDepsKey;
import org.debian.bootc.executor.buildroot.BuildDepsLayers;
import org.debian.bootc.executor.buildroot.Buildroot;
import org.debian.bootc.executor.buildroot.ChrootCommand;
import org.debian.bootc.executor.buildroot.TreeRemover;

/**
 * Build-deps layers on a real base with a real overlay: what the first buildroot
 * changed (files added, a file of the base removed) is what the next buildroot over
 * the layer sees, the layer itself never changes, and a base keeps only so many.
 */
class BuildDepsLayersIT {

    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static Workspace workspace;
    private static BaseKey baseKey;

    @BeforeAll
    static void workspace() throws java.io.IOException {
        workspace = TestWorkspace.create("layers-it", TIMEOUT);
        workspace.removeLeftovers();
        baseKey = workspace.pipeline().baseKey(TestSources.hostSuite(), Optional.empty(), Optional.empty());
    }

    private static BuildDepsKey key(BaseChrootCache.Lease lease) {
        return new BuildDepsKey(lease.id(), Map.of("Build-Depends", "test-" + UUID.randomUUID()), "any",
                Optional.empty());
    }

    private static Buildroot buildroot(BaseChrootCache.Lease lease, Optional<BuildDepsLayers.Layer> layer) {
        return workspace.buildroots().create(BuildrootId.random(), lease, layer,
                TestWorkspace.STATE.resolve("apt-archives"), Optional.empty(), LogSink.NONE);
    }

    private static String sh(Buildroot root, String script) {
        return root.run(ChrootCommand.asRoot(Duration.ofMinutes(1), "/bin/sh", "-c", script), LogSink.NONE).output();
    }

    @Test
    void theNextBuildrootOverTheLayerSeesTheInstallWithItsRemovalsAndLeavesTheLayerAsItWas() throws IOException {
        BuildDepsLayers layers = workspace.layers();
        BuildDepsKey key;
        Path tree;
        try (Buildroot first = buildroot(workspace.bases().acquire(baseKey, LogSink.NONE), Optional.empty())) {
            key = key(first.base());
            assertTrue(layers.acquire(first.base(), key).isEmpty(), "no layer yet");
            // what an install does: adds files, replaces one of the base's, removes one (an overlay whiteout)
            sh(first, "echo layered > /etc/bootc-layer-test && echo changed > /etc/issue.net"
                    + " && rm /etc/debian_version && mkdir -p /opt/bootc-layer/sub && echo x > /opt/bootc-layer/sub/f");
            List<String> lines = new java.util.ArrayList<>();
            assertTrue(layers.capture(first.base(), key, first, "ii \tfirst\t1\tall\n", lines::add),
                    String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("build-deps layer " + key.id() + " made")),
                    String.join("\n", lines));
            assertFalse(layers.capture(first.base(), key, first, "", LogSink.NONE), "made once");
            tree = first.base().root().getParent().resolve("layers").resolve(key.id()).resolve("tree");
        }
        assertTrue(Files.isRegularFile(tree.resolve("etc/bootc-layer-test")));
        assertFalse(Files.exists(tree.resolve("etc/resolv.conf")), "each buildroot writes its own");
        BaseChrootCache.Lease lease = workspace.bases().acquire(baseKey, LogSink.NONE);
        Optional<BuildDepsLayers.Layer> layer = layers.acquire(lease, key);
        assertTrue(layer.isPresent());
        assertEquals(tree, layer.get().tree());
        assertEquals(Optional.of("ii \tfirst\t1\tall\n"), layer.get().installed(), "dpkg's view kept with it");
        try (Buildroot second = buildroot(lease, layer)) {
            assertEquals("layered\nchanged\nremoved\nx\n", sh(second, "cat /etc/bootc-layer-test /etc/issue.net;"
                    + " test -e /etc/debian_version && echo present || echo removed; cat /opt/bootc-layer/sub/f"));
            // the base itself still has the file the layer removed
            assertTrue(Files.isRegularFile(lease.root().resolve("etc/debian_version")));
            sh(second, "echo second > /etc/bootc-layer-second && rm /etc/bootc-layer-test");
        }
        assertFalse(Files.exists(tree.resolve("etc/bootc-layer-second")), "a buildroot never writes to its layer");
        assertTrue(Files.isRegularFile(tree.resolve("etc/bootc-layer-test")), "nor removes from it");
    }

    @Test
    void aBaseKeepsTheNewestLayersButNeverDropsOneInUse() throws IOException {
        BuildDepsLayers two = new BuildDepsLayers(2, TreeRemover.PLAIN, Clock.systemUTC());
        try (Buildroot root = buildroot(workspace.bases().acquire(baseKey, LogSink.NONE), Optional.empty())) {
            Path dir = root.base().root().getParent().resolve("layers");
            BuildDepsKey inUse = key(root.base());
            BuildDepsKey a = key(root.base());
            BuildDepsKey b = key(root.base());
            BuildDepsKey c = key(root.base());
            assertTrue(two.capture(root.base(), inUse, root, "", LogSink.NONE));
            try (BuildDepsLayers.Layer held = two.acquire(root.base(), inUse).orElseThrow()) {
                assertTrue(two.capture(root.base(), a, root, "", LogSink.NONE));
                assertTrue(two.capture(root.base(), b, root, "", LogSink.NONE));
                // over 2: a, the least recently used not in use, went; the held one stayed
                assertTrue(Files.isDirectory(dir.resolve(inUse.id())), "a layer in use is never dropped");
                assertFalse(Files.exists(dir.resolve(a.id())));
                assertTrue(Files.isDirectory(dir.resolve(b.id())));
                assertTrue(held.tree().startsWith(dir));
            }
            assertTrue(two.capture(root.base(), c, root, "", LogSink.NONE));
            assertFalse(Files.exists(dir.resolve(inUse.id())), "released, it is the least recently used");
            assertTrue(Files.isDirectory(dir.resolve(b.id())) && Files.isDirectory(dir.resolve(c.id())));
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList(),
                        "no temporary directory left");
            }
        }
    }

    @Test
    void theBasesAnswerForAKeyIsKeptAndGoesWithTheBase() {
        try (BaseChrootCache.Lease lease = workspace.bases().acquire(baseKey, LogSink.NONE)) {
            BuildDepsKey key = key(lease);
            assertTrue(workspace.layers().satisfiedByBase(lease, key).isEmpty());
            workspace.layers().recordSatisfiedByBase(lease, key, "ii \tdpkg\t1.21\tamd64\n");
            assertEquals(Optional.of("ii \tdpkg\t1.21\tamd64\n"), workspace.layers().satisfiedByBase(lease, key));
            assertTrue(Files.isRegularFile(lease.root().getParent().resolve("layers").resolve(key.id()
                    + ".base-satisfies")), "in the base's own directory");
            assertTrue(new BuildDepsLayers(0, TreeRemover.PLAIN, Clock.systemUTC()).satisfiedByBase(lease, key)
                    .isEmpty(), "not used with layers off");
        }
    }

    @Test
    void withLayersTurnedOffNothingIsKept() {
        BuildDepsLayers none = new BuildDepsLayers(0, TreeRemover.PLAIN, Clock.systemUTC());
        try (Buildroot root = buildroot(workspace.bases().acquire(baseKey, LogSink.NONE), Optional.empty())) {
            BuildDepsKey key = key(root.base());
            assertFalse(none.capture(root.base(), key, root, "", LogSink.NONE));
            assertTrue(none.acquire(root.base(), key).isEmpty());
            assertFalse(Files.exists(root.base().root().getParent().resolve("layers").resolve(key.id())));
        }
    }

    @Test
    void aNegativeCountIsRefusedByName() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new BuildDepsLayers(-1, TreeRemover.PLAIN, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("build-deps-layers-per-base") && e.getMessage().contains("-1"),
                e.getMessage());
    }
}
