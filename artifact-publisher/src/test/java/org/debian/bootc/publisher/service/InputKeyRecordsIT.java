package org.debian.bootc.publisher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.publisher.image.OciLayout;
import org.debian.bootc.publisher.apt.RepositorySigner;
import org.debian.bootc.debian.fs.Trees;

/**
 * The reuse decision against a real OSTree repository and a real OCI layout (a small
 * tree committed with ostree and written as an image by the publisher's own phases; no
 * mmdebstrap, no registry): only the same key, with the ref still at the recorded commit
 * and the layout still holding the recorded image, is reused; anything else, including a
 * corrupt record, means a full publish.
 */
class InputKeyRecordsIT {

    static final String REF = "debian/test/amd64/reuse";
    static final String KEY = "1".repeat(64);

    @TempDir
    Path dir;
    ImagePublisher publisher;
    InputKeyRecords records;
    PublishRequest request;
    PublishResult made;
    OciLayout layout;
    ProcessRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        runner = new ProcessRunner();
        publisher = new ImagePublisher(new PublisherSettings(dir.resolve("data"), new RepositorySigner(dir, "unused"),
                Optional.empty(), Optional.empty(), false, false, 64, false, Optional.empty(), "urn:deb-bootc-compose",
                Duration.ofMinutes(5)));
        records = publisher.inputKeyRecords();
        request = request("1");
        made = publisher.publishTree(request, tree("tree-1", "one"), 1_700_000_000L);
        layout = publisher.ociLayout(request.target().imageRepository());
        records.write(new InputKeyRecords.Entry(REF, KEY, made.commit().commit(), "1", made.image().manifestDigest()));
    }

    static PublishRequest request(String tag) {
        ImageTarget target = new ImageTarget("amd64", REF, "registry.invalid/debian-bootc/reuse", tag, Map.of(),
                List.of(new ResolvedPackage("base-files", "13.8", "amd64")));
        ComposePlan plan = new ComposePlan("trixie", "file:///nonexistent", "a".repeat(64), Failable.NONE,
                List.of(target), List.of());
        return new PublishRequest("reuse-" + tag + "-20261125.t.0", tag, plan, target, List.of(), List.of());
    }

    /** A small tree the OSTree layout and lint accept, with one file whose content tells trees apart. */
    Path tree(String name, String content) throws Exception {
        Path tree = dir.resolve(name);
        for (String d : List.of("etc", "usr/bin", "var/lib/dpkg/info", "dev", "proc", "sys", "run", "tmp", "boot")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.writeString(tree.resolve("usr/bin/tool"), content + "\n");
        Files.writeString(tree.resolve("etc/os-release"), "ID=debian\n");
        Files.writeString(tree.resolve("var/lib/dpkg/status"), "");
        return tree;
    }

    InputKeyRecords.Decision decide(String key) {
        return records.decide(REF, key, publisher.refCommit(REF), layout, "1");
    }

    @Test
    void theSameKeyWithTheRefAndTheImageInPlaceIsReused() {
        InputKeyRecords.Decision decision = decide(KEY);

        assertTrue(decision.reuse(), decision.reason());
        assertEquals(made.commit().commit(), decision.commit().orElseThrow().commit());
        assertFalse(decision.commit().orElseThrow().created());
        assertEquals(made.image(), decision.image().orElseThrow(), "the image read back from the layout is the one written");
    }

    @Test
    void anotherKeyIsAFullPublish() {
        InputKeyRecords.Decision decision = decide("2".repeat(64));

        assertFalse(decision.reuse());
        assertTrue(decision.reason().startsWith("the input key changed"), decision.reason());
    }

    @Test
    void noRecordIsAFullPublish() throws Exception {
        Files.delete(records.file(REF));

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertEquals("no input-key record for ref " + REF, decision.reason());
    }

    @Test
    void aRefThatMovedIsAFullPublish() throws Exception {
        PublishResult other = publisher.publishTree(request("1"), tree("tree-2", "two"), 1_700_000_000L);
        assertTrue(other.commit().created());

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertTrue(decision.reason().contains("moved to " + other.commit().commit()), decision.reason());
    }

    @Test
    void aRefThatIsGoneIsAFullPublish() {
        runner.run(List.of("ostree", "refs", "--repo=" + publisher.ostreeRepository(), "--delete", REF),
                Duration.ofMinutes(1));

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertTrue(decision.reason().contains("no longer in the OSTree repository"), decision.reason());
    }

    @Test
    void aDeletedOciLayoutIsAFullPublish() throws Exception {
        Trees.delete(layout.dir());

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertTrue(decision.reason().contains("has no tag 1"), decision.reason());
    }

    @Test
    void aMissingLayerBlobIsAFullPublish() throws Exception {
        String digest = made.image().layers().get(0).digest();
        Files.delete(layout.blob(digest));

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertTrue(decision.reason().contains("no longer holds blob " + digest), decision.reason());
    }

    @Test
    void aTagThatNowNamesAnotherImageIsAFullPublish() throws Exception {
        layout.tag("1", "sha256:" + "f".repeat(64), 10, Map.of());

        InputKeyRecords.Decision decision = decide(KEY);

        assertFalse(decision.reuse());
        assertTrue(decision.reason().contains("points at sha256:" + "f".repeat(64)), decision.reason());
    }

    @Test
    void aCorruptRecordIsAFullPublishNotACrash() throws Exception {
        for (String corrupt : List.of("{\"ref\": \"" + REF + "\", \"inputKey\": ", "[]",
                "{\"ref\":\"" + REF + "\",\"inputKey\":\"" + KEY + "\",\"commit\":\"zz\",\"tag\":\"1\","
                        + "\"manifestDigest\":\"sha256:" + "0".repeat(64) + "\"}",
                "{\"ref\":\"other/ref\",\"inputKey\":\"" + KEY + "\",\"commit\":\"" + made.commit().commit()
                        + "\",\"tag\":\"1\",\"manifestDigest\":\"" + made.image().manifestDigest() + "\"}")) {
            Files.writeString(records.file(REF), corrupt);

            InputKeyRecords.Decision decision = decide(KEY);

            assertFalse(decision.reuse(), corrupt);
            assertTrue(decision.reason().contains("is unreadable"), decision.reason());
            assertTrue(records.read(REF).isEmpty());
        }
        // the next full publish writes a good record over it
        records.write(new InputKeyRecords.Entry(REF, KEY, made.commit().commit(), "1", made.image().manifestDigest()));
        assertTrue(decide(KEY).reuse());
    }
}
