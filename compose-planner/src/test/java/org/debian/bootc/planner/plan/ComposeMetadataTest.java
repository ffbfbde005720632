package org.debian.bootc.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.planner.archive.PackageSet;
import org.debian.bootc.planner.manifest.Manifest;
import org.debian.bootc.planner.manifest.ManifestReader;
import org.debian.bootc.planner.manifest.MediaKind;

import org.debian.bootc.debian.PackageId;

/** The manifest's disk into the plan, and the publisher's disk images into images.json. */
class ComposeMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ComposeId ID = new ComposeId("minimal-1-20250131.t.0");
    private static final String COMMIT = "e".repeat(64);

    private static PackageSet set() {
        List<PackageId> packages = List.of(new PackageId("ostree", "2022.7-2+deb12u1", "amd64"));
        return new PackageSet(URI.create("http://archive.example/debian/"), "bookworm", "bookworm", "ab".repeat(32),
                Instant.parse("2026-07-11T10:16:37Z"), "required", Map.of("amd64", packages, "arm64", packages));
    }

    private static Manifest manifest(String extra) throws Exception {
        String yaml = """
                name: minimal
                version: "1"
                suite: bookworm
                architectures: [amd64, arm64]
                packages: [ostree]
                """ + extra;
        return new ManifestReader().read(yaml, MediaKind.YAML);
    }

    @Test
    void everyArchitecturesTargetCarriesTheDiskInBytes() throws Exception {
        ComposePlan plan = ComposeMetadata.plan(manifest("""
                disk:
                  formats: [qcow2, raw]
                  size: 3072M
                  kargs: ["console=ttyS0,115200n8", quiet]
                """), set());

        DiskSpec expected = new DiskSpec(List.of("qcow2", "raw"), 3L << 30, List.of("console=ttyS0,115200n8", "quiet"));
        assertEquals(List.of(expected, expected), plan.images().stream().map(i -> i.disk()).toList());
    }

    @Test
    void sizeAndKargsDefaultTo4GAndNone() throws Exception {
        ComposePlan plan = ComposeMetadata.plan(manifest("disk: {formats: [raw]}\n"), set());

        assertEquals(new DiskSpec(List.of("raw"), 4_294_967_296L, List.of()), plan.images().get(0).disk());
    }

    @Test
    void withoutDiskTheTargetsHaveNone() throws Exception {
        ComposePlan plan = ComposeMetadata.plan(manifest(""), set());

        assertNull(plan.images().get(0).disk());
        assertNull(plan.images().get(1).disk());
    }

    @Test
    void imagesJsonListsEachDiskBesideTheOciImageOfItsArchitecture() throws Exception {
        ImageCommitted amd64 = new ImageCommitted(ID, "amd64", "debian/bookworm/amd64/minimal", COMMIT,
                "localhost:5000/debian-bootc/minimal:1", "sha256:" + "d".repeat(64), 3, 1000, List.of(
                        new DiskImage("raw", "file:///srv/disks/amd64/disk.raw", "a".repeat(64), 4_294_967_296L),
                        new DiskImage("qcow2", "file:///srv/disks/amd64/disk.qcow2", "b".repeat(64), 912_261_120L)));
        ImageCommitted arm64 = new ImageCommitted(ID, "arm64", "debian/bookworm/arm64/minimal", COMMIT,
                "localhost:5000/debian-bootc/minimal:1", "sha256:" + "d".repeat(64), 3, 1000);

        JsonNode images = JSON.readTree(ComposeMetadata.images(ID, List.of(arm64, amd64))).at("/payload/images/bootc");

        assertEquals(List.of("oci", "raw", "qcow2"), formats(images.get("amd64")));
        assertEquals(List.of("oci"), formats(images.get("arm64")), "no disks, no disk entries");
        assertEquals(new YAMLMapper().readTree("""
                arch: amd64
                format: qcow2
                type: qcow2
                bootable: true
                path: file:///srv/disks/amd64/disk.qcow2
                checksums: {sha256: %s}
                size: 912261120
                ostree_ref: debian/bookworm/amd64/minimal
                ostree_commit: %s
                """.formatted("b".repeat(64), COMMIT)), images.get("amd64").get(2));
    }

    private static List<String> formats(JsonNode entries) {
        List<String> formats = new java.util.ArrayList<>();
        entries.forEach(e -> formats.add(e.path("format").asText()));
        return formats;
    }
}
