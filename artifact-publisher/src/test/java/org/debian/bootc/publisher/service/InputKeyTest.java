package org.debian.bootc.publisher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.AptRepository;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.publisher.apt.RepositorySigner;

class InputKeyTest {

    static final String SHA_A = "a".repeat(64);
    static final String SHA_B = "b".repeat(64);
    static final Map<String, String> TOOLS = Map.of("mmdebstrap", "1.5.7-1", "ostree", "2025.2-1");

    static List<ResolvedPackage> packages() {
        return List.of(new ResolvedPackage("base-files", "13.8", "amd64"), new ResolvedPackage("hello", "2.10-5", "amd64"),
                new ResolvedPackage("bash", "5.2.37-2", "amd64"));
    }

    static PublishRequest request(String composeId, List<ResolvedPackage> packages, Map<String, String> labels,
            String tag, List<ArtifactRef> debs, List<AptRepository> extra) {
        ImageTarget target = new ImageTarget("amd64", "debian/trixie/amd64/minimal", "registry.invalid/debian/minimal", tag,
                labels, packages);
        ComposePlan plan = new ComposePlan("trixie", "http://archive.invalid/debian", SHA_A, Failable.NONE,
                List.of(target), extra);
        return new PublishRequest(composeId, tag, plan, target, debs, List.of("hello"));
    }

    static ArtifactRef deb(String sha) {
        return new ArtifactRef(sha, ArtifactRef.BINARY_PACKAGE, "hello_2.10-5_amd64.deb", 1234,
                "file:///srv/artifacts/hello_2.10-5_amd64.deb");
    }

    static PublishRequest base() {
        return request("minimal-1-20261125.0", packages(), Map.of("a", "1", "b", "2"), "1", List.of(deb(SHA_A)), List.of());
    }

    static PublisherSettings settings(int maxLayers, boolean requireKernel, String source) {
        return new PublisherSettings(Path.of("/var/lib/x"), new RepositorySigner(Path.of("/g"), "KEY"), Optional.empty(),
                Optional.empty(), true, false, maxLayers, requireKernel, Optional.empty(), source, Duration.ofMinutes(1));
    }

    static final PublisherSettings SETTINGS = settings(64, true, "urn:deb-bootc-compose");

    static String key(PublishRequest request) {
        return InputKey.of(request, 1_700_000_000L, SETTINGS, TOOLS);
    }

    @Test
    void theSameInputsGiveTheSameKeyWhateverTheComposeIdOrTheOrderOfSets() {
        String key = key(base());
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        assertEquals(key, key(base()));
        List<ResolvedPackage> shuffled = new ArrayList<>(packages());
        Collections.reverse(shuffled);
        PublishRequest other = request("minimal-1-20261126.3", shuffled, Map.of("b", "2", "a", "1"), "1",
                List.of(new ArtifactRef(SHA_A, ArtifactRef.BINARY_PACKAGE, "renamed.deb", 1234, "http://elsewhere.invalid/x.deb"),
                        new ArtifactRef(SHA_B, ArtifactRef.BUILD_LOG, "hello.build", 10, "file:///log")), List.of());
        assertEquals(key, key(other), "compose id, package order, label order, .deb location and logs are not inputs");
    }

    @Test
    void everyInputChangesTheKey() {
        String key = key(base());
        List<UnaryOperator<PublishRequest>> changes = List.of(
                r -> request(r.composeId(), replace(packages(), new ResolvedPackage("hello", "2.10-5+b1", "amd64")),
                        r.target().labels(), "1", r.builtPackages(), List.of()),
                r -> request(r.composeId(), packages(), r.target().labels(), "1", List.of(deb(SHA_B)), List.of()),
                r -> request(r.composeId(), packages(), Map.of("a", "1", "b", "3"), "1", r.builtPackages(), List.of()),
                r -> request(r.composeId(), packages(), r.target().labels(), "2", r.builtPackages(), List.of()),
                r -> request(r.composeId(), packages(), r.target().labels(), "1", r.builtPackages(),
                        List.of(new AptRepository("http://extra.invalid/debian", "trixie", List.of("main"), "/k.gpg"))));
        for (UnaryOperator<PublishRequest> change : changes) {
            PublishRequest changed = change.apply(base());
            assertNotEquals(key, key(changed), InputKey.canonical(changed, 1_700_000_000L, SETTINGS, TOOLS));
        }
        PublishRequest r = base();
        assertNotEquals(key, InputKey.of(r, 1_700_000_001L, SETTINGS, TOOLS), "SOURCE_DATE_EPOCH");
        assertNotEquals(key, InputKey.of(r, 1_700_000_000L, settings(32, true, "urn:deb-bootc-compose"), TOOLS), "max-layers");
        assertNotEquals(key, InputKey.of(r, 1_700_000_000L, settings(64, false, "urn:deb-bootc-compose"), TOOLS),
                "require-kernel");
        assertNotEquals(key, InputKey.of(r, 1_700_000_000L, settings(64, true, "https://salsa.invalid/x"), TOOLS),
                "image-source");
        assertNotEquals(key, InputKey.of(r, 1_700_000_000L, SETTINGS, Map.of("mmdebstrap", "1.5.8-1", "ostree", "2025.2-1")),
                "a new mmdebstrap");
        ComposePlan newArchive = new ComposePlan("trixie", "http://archive.invalid/debian", SHA_B, Failable.NONE,
                r.plan().images(), List.of());
        assertNotEquals(key, key(new PublishRequest(r.composeId(), r.version(), newArchive, r.target(),
                r.builtPackages(), r.rebuiltSources())), "InRelease sha256");
        assertNotEquals(key, key(new PublishRequest(r.composeId(), r.version(), r.plan(), r.target(), r.builtPackages(),
                List.of("hello", "bash"))), "rebuilt sources (commit metadata)");
        assertTrue(InputKey.canonical(r, 1, SETTINGS, TOOLS).contains("\"layoutVersion\":" + InputKey.LAYOUT_VERSION));
    }

    private static List<ResolvedPackage> replace(List<ResolvedPackage> packages, ResolvedPackage replacement) {
        return packages.stream().map(p -> p.name().equals(replacement.name()) ? replacement : p).toList();
    }
}
