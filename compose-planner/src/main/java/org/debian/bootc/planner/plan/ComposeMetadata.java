package org.debian.bootc.planner.plan;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.debian.bootc.events.AptRepository;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.planner.archive.PackageSet;
import org.debian.bootc.planner.buildorder.BuildPlan;
import org.debian.bootc.planner.manifest.Manifest;

/**
 * The compose's metadata files, after productmd's: {@code composeinfo.json} (what the
 * compose is), {@code packages.json} (the resolved package set) and
 * {@code images.json} (what the publisher made). Each has productmd's
 * {@code header} (type and version) and {@code payload}. Equal inputs give
 * byte-equal documents.
 */
public final class ComposeMetadata {

    public static final String COMPOSEINFO = "composeinfo.json";
    public static final String PACKAGES = "packages.json";
    public static final String IMAGES = "images.json";
    public static final List<String> FILES = List.of(COMPOSEINFO, PACKAGES, IMAGES);

    /** The productmd variant every compose has: one bootc image per architecture. */
    static final String VARIANT = "bootc";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ComposeMetadata() {
    }

    /**
     * The plan the scheduler and the publisher get: per architecture the ref, the
     * image, the resolved packages and the disk images to make (the same for every
     * architecture); the failable rules; the extra repositories.
     */
    public static ComposePlan plan(Manifest manifest, PackageSet set) {
        List<ImageTarget> images = new ArrayList<>();
        DiskSpec disk = manifest.disk() == null ? null
                : new DiskSpec(manifest.disk().formats(), manifest.disk().sizeBytes(), manifest.disk().kargs());
        for (String arch : manifest.architectures()) {
            String repository = manifest.image() != null ? manifest.image().repository()
                    : "debian-bootc/" + manifest.name().toLowerCase(java.util.Locale.ROOT);
            String tag = manifest.image() != null ? manifest.image().tag()
                    : manifest.version().replaceAll("[^A-Za-z0-9_.-]", "_");
            Map<String, String> labels = manifest.image() != null ? manifest.image().labels() : Map.of();
            images.add(new ImageTarget(arch, manifest.ostreeRef(arch), repository, tag, labels,
                    set.architectures().get(arch).stream()
                            .map(p -> new org.debian.bootc.events.ResolvedPackage(p.name(), p.version(),
                                    p.architecture()))
                            .toList(),
                    disk));
        }
        List<AptRepository> repositories = manifest.repositories().stream()
                .map(r -> new AptRepository(r.uri(), r.suite(), r.components(), r.signedBy()))
                .toList();
        return new ComposePlan(manifest.suite(), set.archive().toString(), set.inReleaseSha256(),
                new org.debian.bootc.events.Failable(manifest.failable().architectures(),
                        manifest.failable().packages()),
                images, repositories);
    }

    /** {@code composeinfo.json}: productmd.composeinfo 1.2 with the archive and the planned builds. */
    public static String composeInfo(ComposeId id, Manifest manifest, LocalDate date, int respin, PackageSet set,
            BuildPlan builds) {
        ObjectNode payload = JSON.createObjectNode();
        ObjectNode compose = payload.putObject("compose");
        compose.put("id", id.value());
        compose.put("date", date.format(DateTimeFormatter.BASIC_ISO_DATE));
        compose.put("respin", respin);
        compose.put("type", manifest.type().wireName());
        compose.putNull("label");
        compose.put("final", false);
        ObjectNode release = payload.putObject("release");
        release.put("name", manifest.name());
        release.put("short", manifest.name());
        release.put("version", manifest.version());
        release.put("type", "ga");
        release.put("is_layered", false);
        ObjectNode variant = payload.putObject("variants").putObject(VARIANT);
        variant.put("id", VARIANT);
        variant.put("uid", VARIANT);
        variant.put("name", "bootc image");
        variant.put("type", "variant");
        ArrayNode arches = variant.putArray("arches");
        manifest.architectures().stream().sorted().forEach(arches::add);
        ObjectNode refs = variant.putObject("paths").putObject("ostree");
        manifest.architectures().stream().sorted().forEach(arch -> refs.put(arch, manifest.ostreeRef(arch)));
        ObjectNode debian = payload.putObject("debian");
        debian.put("suite", set.suite());
        debian.put("codename", set.codename());
        debian.put("archive", set.archive().toString());
        debian.put("inReleaseSha256", set.inReleaseSha256());
        debian.put("inReleaseDate", set.releaseDate().toString());
        ArrayNode rebuilt = debian.putArray("builds");
        builds.builds().forEach(build -> rebuilt.addObject()
                .put("taskId", build.taskId().value())
                .put("source", build.source().name())
                .put("version", build.source().version())
                .put("architecture", build.architecture())
                .put("contentKey", build.contentKey()));
        return document("productmd.composeinfo", "1.2", payload);
    }

    /** {@code packages.json}: the package set as {@link PackageSet#toJson()} writes it, under a header. */
    public static String packages(PackageSet set) {
        try {
            return document("deb-bootc-compose.packages", "1.0", (ObjectNode) JSON.readTree(set.toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("PackageSet writes JSON", e);
        }
    }

    /**
     * {@code images.json}: productmd.images 1.2, per architecture the publisher committed its
     * OCI image, then each disk image made of the same commit as an image of its own (format
     * and type {@code raw} or {@code qcow2}, {@code bootable}, {@code size}), as Pungi lists
     * every file of a variant and architecture side by side.
     */
    public static String images(ComposeId id, List<ImageCommitted> committed) {
        ObjectNode payload = JSON.createObjectNode();
        payload.putObject("compose").put("id", id.value());
        ObjectNode variant = payload.putObject("images").putObject(VARIANT);
        Map<String, ImageCommitted> byArch = new TreeMap<>();
        committed.forEach(image -> byArch.put(image.architecture(), image));
        byArch.forEach((arch, image) -> {
            ObjectNode entry = variant.putArray(arch).addObject();
            entry.put("arch", arch);
            entry.put("format", "oci");
            entry.put("type", "bootc");
            entry.put("path", image.imageReference());
            entry.putObject("checksums").put("sha256", image.manifestDigest().substring("sha256:".length()));
            entry.put("ostree_ref", image.ref());
            entry.put("ostree_commit", image.commit());
            entry.put("layers", image.layerCount());
            entry.put("bytes_pushed", image.bytesPushed());
            for (DiskImage disk : image.disks()) {
                ObjectNode diskEntry = ((ArrayNode) variant.get(arch)).addObject();
                diskEntry.put("arch", arch);
                diskEntry.put("format", disk.format());
                diskEntry.put("type", disk.format());
                diskEntry.put("bootable", true);
                diskEntry.put("path", disk.location());
                diskEntry.putObject("checksums").put("sha256", disk.sha256());
                diskEntry.put("size", disk.sizeBytes());
                diskEntry.put("ostree_ref", image.ref());
                diskEntry.put("ostree_commit", image.commit());
            }
        });
        return document("productmd.images", "1.2", payload);
    }

    private static String document(String type, String version, ObjectNode payload) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("header").put("type", type).put("version", version);
        root.set("payload", payload);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
