package org.debian.bootc.publisher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.debian.bootc.debian.fs.Trees;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.PublishFault;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.publisher.TestArchive;
import org.debian.bootc.publisher.TestRegistry;
import org.debian.bootc.publisher.TestTools;
import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.failure.LintFailure;
import org.debian.bootc.publisher.lint.LintPhase;
import org.debian.bootc.publisher.phase.ArchiveRelease;
import org.debian.bootc.publisher.failure.Stage;

/**
 * The whole publish with the real tools: apt-ftparchive and gpg, mmdebstrap from the
 * machine's archive, ostree, and Debian's docker-registry on loopback, read back with
 * skopeo. The "built compose" is hello as the archive has it, then hello rebuilt with a
 * new changelog entry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublishPipelineIT {

    static final String REF = "debian/test/amd64/minimal";

    @TempDir
    static Path dir;
    static TestRegistry registry;
    static ImagePublisher publisher;
    static ProcessRunner runner;
    static List<PackageId> closure;
    static ArtifactRef hello;
    static ComposePlan plan;
    static PublishResult first;
    static PublishResult second;
    static PublishRequest rebuiltRequest;

    @BeforeAll
    static void setUp() throws Exception {
        registry = TestRegistry.start(dir);
        runner = new ProcessRunner();
        PublisherSettings settings = new PublisherSettings(dir.resolve("data"), TestTools.throwAwayKey(dir),
                Optional.of(Path.of(TestArchive.KEYRING)), Optional.of(Path.of("target/apt-cache").toAbsolutePath()),
                true, false, 64, false, Optional.empty(), "https://salsa.debian.org/deb-bootc-compose",
                Duration.ofMinutes(20));
        publisher = new ImagePublisher(settings);
        closure = TestArchive.closure(dir, "amd64", "hello");
        hello = TestTools.download(dir.resolve("debs"), "hello").get(0);
        plan = plan("1", List.of());
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    static ComposePlan plan(String tag, List<ResolvedPackage> extra) throws Exception {
        ArchiveRelease release = ArchiveRelease.fetch(TestArchive.archive(), TestArchive.suite());
        List<ResolvedPackage> packages = new ArrayList<>(closure.stream()
                .map(p -> new ResolvedPackage(p.name(), p.version(), p.architecture())).toList());
        packages.addAll(extra);
        ImageTarget target = new ImageTarget("amd64", REF, registry.host() + "/debian-bootc/minimal", tag,
                Map.of("org.opencontainers.image.title", "minimal"), packages);
        return new ComposePlan(TestArchive.suite(), TestArchive.archive().toString(), release.sha256(), Failable.NONE,
                List.of(target), List.of());
    }

    static PublishRequest request(String composeId, ComposePlan plan, List<ArtifactRef> debs, List<String> sources) {
        return new PublishRequest(composeId, plan.images().get(0).imageTag(), plan, plan.images().get(0), debs, sources);
    }

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    @Order(1)
    void aComposeIsCommittedToOstreeAndPushedToTheRegistry() throws Exception {
        first = publisher.publish(request("minimal-1-20261125.t.0", plan, List.of(hello), List.of("hello")));

        assertTrue(first.commit().created());
        String repo = "--repo=" + publisher.ostreeRepository();
        assertEquals(first.commit().commit(), runner.run(List.of("ostree", "rev-parse", repo, REF),
                Duration.ofMinutes(1)).stdoutText().strip());
        String listing = runner.run(List.of("ostree", "ls", repo, REF, "/usr/bin/hello", "/usr/etc/machine-id",
                "/usr/lib/sysimage/dpkg/info/hello.list"), Duration.ofMinutes(1)).stdoutText();
        assertTrue(listing.contains("/usr/bin/hello") && listing.contains("/usr/etc/machine-id")
                && listing.contains("hello.list"), listing);
        assertEquals("['hello']", runner.run(List.of("ostree", "show", repo, REF,
                "--print-metadata-key=deb-bootc-compose.rebuilt-sources"), Duration.ofMinutes(1)).stdoutText().strip());
        assertTrue(runner.run(List.of("ostree", "summary", repo, "--view"), Duration.ofMinutes(1)).stdoutText()
                .contains(REF));

        String reference = registry.host() + "/debian-bootc/minimal:1";
        assertEquals(reference, first.imageReference());
        long blobs = first.image().totalSize()
                + Files.size(first.image().layout().resolve("blobs/sha256").resolve(first.image().configDigest().substring(7)));
        assertEquals(blobs, first.bytesPushed(), "a first push sends every blob");
        assertTrue(first.image().layers().size() > 3 && first.image().layers().size() <= 64);

        Path pulled = dir.resolve("pulled");
        runner.run(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false", "--preserve-digests",
                "docker://" + reference, "oci:" + pulled + ":1"), Duration.ofMinutes(5));
        JsonNode index = new ObjectMapper().readTree(pulled.resolve("index.json").toFile());
        assertEquals(first.image().manifestDigest(), index.path("manifests").get(0).path("digest").asText());
        JsonNode inspected = json(runner.run(List.of("skopeo", "inspect", "--tls-verify=false", "docker://" + reference),
                Duration.ofMinutes(1)).stdoutText());
        JsonNode labels = inspected.path("Labels");
        assertEquals("1", labels.path("containers.bootc").asText());
        assertEquals(first.commit().commit(), labels.path("ostree.commit").asText());
        assertEquals("1", labels.path("org.opencontainers.image.version").asText());
        assertEquals("https://salsa.debian.org/deb-bootc-compose", labels.path("org.opencontainers.image.source").asText());
        assertEquals("minimal", labels.path("org.opencontainers.image.title").asText());

        // The pulled image is a root file system: hello, the ostree layout's symlinks, no /usr/etc.
        Path rootfs = Files.createDirectories(dir.resolve("unpacked"));
        for (JsonNode layer : new ObjectMapper().readTree(pulled.resolve("blobs/sha256")
                .resolve(first.image().manifestDigest().substring(7)).toFile()).path("layers")) {
            runner.run(List.of("tar", "-xzpf", pulled.resolve("blobs/sha256").resolve(layer.path("digest").asText()
                    .substring(7)).toString(), "-C", rootfs.toString()), Duration.ofMinutes(2));
        }
        assertTrue(Files.isRegularFile(rootfs.resolve("usr/bin/hello")));
        assertEquals("var/home", Files.readSymbolicLink(rootfs.resolve("home")).toString());
        assertTrue(Files.isSymbolicLink(rootfs.resolve("var/run")));
        assertFalse(Files.exists(rootfs.resolve("usr/etc")));
        new LintPhase(runner).run(rootfs);
        org.debian.bootc.debian.fs.Trees.delete(rootfs);
    }

    @Test
    @Order(2)
    void aCorruptInputKeyRecordMeansAFullPublishThatGivesTheSameDigestAndPushesNothing() throws Exception {
        // The record is damaged, so the same inputs go the full way: mmdebstrap again, which also
        // shows two full runs of the same inputs give the same commit and manifest digest.
        Path record = publisher.inputKeyRecords().file(REF);
        assertTrue(Files.exists(record), "the first publish recorded its input key");
        Files.writeString(record, "{\"ref\": \"" + REF + "\", \"inputKey\": 42");

        second = publisher.publish(request("minimal-1-20261125.t.1", plan, List.of(hello), List.of("hello")));

        assertFalse(second.reused());
        assertTrue(second.stages().contains(Stage.ROOTFS), "stages: " + second.stages());
        assertTrue(Files.isDirectory(dir.resolve("data/apt/minimal-1-20261125.t.1")), "the repository phase ran");
        assertEquals(first.image().manifestDigest(), second.image().manifestDigest());
        assertEquals(first.commit().commit(), second.commit().commit());
        assertFalse(second.commit().created(), "an unchanged tree is not committed again");
        assertEquals(0, second.bytesPushed());
        assertEquals(0, second.push().orElseThrow().blobsPushed());
        assertTrue(publisher.inputKeyRecords().read(REF).isPresent(), "a good record was written over the corrupt one");
    }

    @Test
    @Order(3)
    void theSameInputsAgainReuseTheCommitAndImageAndRebuildNothing() throws Exception {
        String refBefore = publisher.refCommit(REF).orElseThrow();

        PublishResult again = publisher.publish(request("minimal-1-20261125.t.2", plan, List.of(hello), List.of("hello")));

        assertTrue(again.reused());
        assertEquals(List.of(Stage.PUSH), again.stages(), "no repository, rootfs, lint, commit or image");
        assertFalse(Files.exists(dir.resolve("data/apt/minimal-1-20261125.t.2")), "no built-packages apt repository was made");
        assertFalse(Files.exists(dir.resolve("data/work/minimal-1-20261125.t.2-amd64")), "no work directory, no rootfs");
        assertEquals(first.commit().commit(), again.commit().commit());
        assertFalse(again.commit().created());
        assertEquals(refBefore, publisher.refCommit(REF).orElseThrow());
        assertEquals(first.image().manifestDigest(), again.image().manifestDigest());
        assertEquals(first.image().layers(), again.image().layers());
        assertEquals(registry.host() + "/debian-bootc/minimal:1", again.imageReference());
        assertEquals(0, again.bytesPushed());
        assertEquals(0, again.push().orElseThrow().blobsPushed());
        JsonNode inspected = json(runner.run(List.of("skopeo", "inspect", "--tls-verify=false",
                "docker://" + again.imageReference()), Duration.ofMinutes(1)).stdoutText());
        assertEquals(first.image().manifestDigest(), inspected.path("Digest").asText());
    }

    @Test
    @Order(4)
    void aOnePackageChangeChangesAtMostTwoLayers() throws Exception {
        ArtifactRef rebuilt = TestTools.rebuild(Path.of(java.net.URI.create(hello.location())), "hello",
                closure.stream().filter(p -> p.name().equals("hello")).findFirst().orElseThrow().version() + "+rebuild1",
                dir.resolve("rebuilt"));

        rebuiltRequest = request("minimal-2-20261125.t.0", plan("2", List.of()), List.of(rebuilt), List.of("hello"));
        assertFalse(publisher.reuseDecision(rebuiltRequest).reuse(), "a changed .deb changes the input key");
        PublishResult third = publisher.publish(rebuiltRequest);

        assertFalse(third.reused());
        assertTrue(third.stages().contains(Stage.ROOTFS), "stages: " + third.stages());
        assertTrue(third.commit().created());
        Set<String> before = new HashSet<>(first.image().layers().stream().map(ImagePhase.LayerDescriptor::digest).toList());
        List<String> changed = third.image().layers().stream().filter(l -> !before.contains(l.digest()))
                .map(ImagePhase.LayerDescriptor::name).toList();
        String helloLayer = third.image().layers().stream().filter(l -> l.packages().contains("hello")).findFirst()
                .orElseThrow().name();
        assertTrue(changed.size() <= 2 && changed.contains(helloLayer), "changed layers: " + changed);
        assertEquals(first.image().layers().size(), third.image().layers().size());
        assertTrue(third.bytesPushed() < first.bytesPushed() / 10,
                third.bytesPushed() + " bytes pushed of " + first.bytesPushed());
        String listing = runner.run(List.of("ostree", "cat", "--repo=" + publisher.ostreeRepository(), REF,
                "/usr/lib/sysimage/dpkg/status"), Duration.ofMinutes(1)).stdoutText();
        assertTrue(listing.contains("+rebuild1"), "the rebuilt hello is installed");
    }

    @Test
    @Order(5)
    void aMovedRefOrADeletedOciLayoutMeansAFullPublish() throws Exception {
        // The state the rebuilt hello left: its inputs would now be reused...
        assertTrue(publisher.reuseDecision(rebuiltRequest).reuse(), publisher.reuseDecision(rebuiltRequest).reason());
        String current = publisher.refCommit(REF).orElseThrow();
        String repo = "--repo=" + publisher.ostreeRepository();

        // ...but not once the ref is moved back to the first commit,
        runner.run(List.of("ostree", "reset", repo, REF, first.commit().commit()), Duration.ofMinutes(1));
        InputKeyRecords.Decision moved = publisher.reuseDecision(rebuiltRequest);
        assertFalse(moved.reuse());
        assertTrue(moved.reason().contains("moved to " + first.commit().commit()), moved.reason());
        runner.run(List.of("ostree", "reset", repo, REF, current), Duration.ofMinutes(1));
        assertTrue(publisher.reuseDecision(rebuiltRequest).reuse());

        // ...nor once the OCI layout is gone.
        Path layout = publisher.ociLayout(rebuiltRequest.target().imageRepository()).dir();
        Path aside = layout.resolveSibling("moved-aside");
        Files.move(layout, aside);
        try {
            InputKeyRecords.Decision deleted = publisher.reuseDecision(rebuiltRequest);
            assertFalse(deleted.reuse());
            assertTrue(deleted.reason().contains("no longer in the OCI layout"), deleted.reason());
        } finally {
            Files.move(aside, layout);
        }
        assertTrue(publisher.reuseDecision(rebuiltRequest).reuse());
    }

    @Test
    @Order(6)
    void aLintFailureStopsThePublishNamingTheRule() throws Exception {
        // A Debian tree whose package shipped /usr/etc beside /etc: layout, then lint, which refuses it.
        Path tree = dir.resolve("bad-tree");
        for (String d : List.of("etc", "usr/etc", "usr/bin", "var/lib/dpkg/info", "dev", "proc", "sys", "run", "tmp", "boot")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.writeString(tree.resolve("usr/etc/bad.conf"), "shipped\n");
        Files.writeString(tree.resolve("var/lib/dpkg/status"), "");
        Files.createSymbolicLink(tree.resolve("var/run"), Path.of("/run"));
        String before = runner.run(List.of("ostree", "rev-parse", "--repo=" + publisher.ostreeRepository(), REF),
                Duration.ofMinutes(1)).stdoutText().strip();
        ComposePlan badPlan = plan("3", List.of());

        LintFailure e = assertThrows(LintFailure.class, () -> publisher.publishTree(
                request("minimal-3-20261125.t.0", badPlan, List.of(hello), List.of("hello")), tree, 1_700_000_000L));

        assertEquals(Stage.LINT, e.stage());
        assertEquals(LintPhase.ETC_USRETC, e.rule());
        assertTrue(e.getMessage().startsWith("lint rule etc-usretc:"), e.getMessage());
        assertEquals(PublishFault.INPUT, e.fault());
        assertEquals(before, runner.run(List.of("ostree", "rev-parse", "--repo=" + publisher.ostreeRepository(), REF),
                Duration.ofMinutes(1)).stdoutText().strip(), "nothing was committed");
        assertTrue(publisher.ociLayout(badPlan.images().get(0).imageRepository()).manifest("3").isEmpty(),
                "no image was written");
    }
}
