package org.debian.bootc.publisher.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.publisher.phase.OstreeLayout;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.publisher.phase.Phase;
import org.debian.bootc.publisher.phase.PublishContext;
import org.debian.bootc.publisher.phase.RootfsPhase;

/**
 * The bootc OCI image of a laid-out tree, written into an OCI image layout directory:
 * package-chunked, deterministic tar layers ({@link LayerPlan}, {@link TarLayerWriter}),
 * the image config and manifest as JSON, and the tag in {@code index.json}. Equal trees
 * give equal layer, config and manifest digests. Each layer's descriptor names the
 * packages in it, which is how the next image of the same ref keeps every package in its
 * layer.
 */
public final class ImagePhase implements Phase {

    /** The image in the OCI layout, for the push and the input-key record. */
    public static final PublishContext.Key<Result> IMAGE = new PublishContext.Key<>("OCI image");

    private static final Logger LOG = Logger.getLogger(ImagePhase.class);

    public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    /** Layer descriptor annotation: the layer's stable name. */
    public static final String LAYER_NAME = "org.debian.bootc.layer";
    /** Layer descriptor annotation: the packages in the layer, comma-separated. */
    public static final String LAYER_PACKAGES = "org.debian.bootc.packages";
    /** index.json annotation: the OSTree ref an image was made for. */
    public static final String OSTREE_REF = "org.debian.bootc.ostree.ref";

    /** What the image is made of, besides the tree. */
    public record Request(String architecture, String ostreeRef, String tag, String version, String commit,
            Optional<String> kernelVersion, String source, Map<String, String> labels, long sourceDateEpoch,
            int maxLayers) {
    }

    /** One layer of the written image. */
    public record LayerDescriptor(String name, String digest, String diffId, long size, List<String> packages) {
    }

    /** The written image. */
    public record Result(Path layout, String tag, String manifestDigest, String configDigest,
            List<LayerDescriptor> layers) {

        public long totalSize() {
            return layers.stream().mapToLong(LayerDescriptor::size).sum();
        }
    }

    private final TreeScanner scanner;
    private final Path ociRoot;
    private final String imageSource;
    private final int maxLayers;

    /**
     * @param ociRoot holds one OCI layout per image repository ({@link OciLayout#forRepository})
     * @param imageSource the {@code org.opencontainers.image.source} label
     */
    public ImagePhase(TreeScanner scanner, Path ociRoot, String imageSource, int maxLayers) {
        this.scanner = scanner;
        this.ociRoot = ociRoot;
        this.imageSource = imageSource;
        this.maxLayers = maxLayers;
    }

    @Override
    public Stage stage() {
        return Stage.IMAGE;
    }

    /** The image of the context's tree and commit, tagged with the target's tag in its repository's layout. */
    @Override
    public void run(PublishContext context) {
        ImageTarget target = context.target();
        context.put(IMAGE, run(context.tree(), OciLayout.forRepository(ociRoot, target.imageRepository()),
                new Request(target.architecture(), target.ostreeRef(), target.imageTag(), context.version(),
                        context.get(OstreeCommitPhase.COMMIT).commit(),
                        context.get(RootfsPhase.LAID_OUT).kernelVersion(), imageSource, target.labels(),
                        context.sourceDateEpoch(), maxLayers)));
    }

    public Result run(Path tree, OciLayout layout, Request request) {
        try {
            return write(tree, layout, request);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.IMAGE, "cannot write the image of " + tree + " to " + layout.dir()
                    + ": " + e, e);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.IMAGE, e);
        }
    }

    private Result write(Path tree, OciLayout layout, Request request) throws IOException {
        long started = System.nanoTime();
        List<FileEntry> entries = scanner.scan(tree);
        PackageOwnership ownership = PackageOwnership.read(tree, OstreeLayout.DPKG_DATABASE);
        Map<String, String> previous = previousPlacement(layout, request.ostreeRef());
        List<LayerPlan.Layer> plan = LayerPlan.plan(entries, ownership::owner, previous, request.maxLayers());
        List<LayerDescriptor> layers = writeLayers(tree, layout, plan, request.sourceDateEpoch());

        String created = Instant.ofEpochSecond(request.sourceDateEpoch()).toString();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", created);
        config.put("architecture", request.architecture());
        config.put("os", "linux");
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("Env", List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
        runtime.put("Cmd", List.of("/sbin/init"));
        runtime.put("Labels", labels(request));
        config.put("config", runtime);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(LayerDescriptor::diffId).toList()));
        List<Map<String, String>> history = new ArrayList<>();
        for (LayerDescriptor layer : layers) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("created", created);
            h.put("created_by", "deb-bootc-compose");
            h.put("comment", layer.name());
            history.add(h);
        }
        config.put("history", history);
        byte[] configJson = layout.json(config);
        String configDigest = layout.putBlob(configJson);

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciLayout.MANIFEST);
        manifest.put("config", descriptor(CONFIG_MEDIA_TYPE, configDigest, configJson.length, null));
        List<Object> layerDescriptors = new ArrayList<>();
        for (LayerDescriptor layer : layers) {
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(LAYER_NAME, layer.name());
            if (!layer.packages().isEmpty()) {
                annotations.put(LAYER_PACKAGES, String.join(",", layer.packages()));
            }
            layerDescriptors.add(descriptor(LAYER_MEDIA_TYPE, layer.digest(), layer.size(), annotations));
        }
        manifest.put("layers", layerDescriptors);
        byte[] manifestJson = layout.json(manifest);
        String manifestDigest = layout.putBlob(manifestJson);
        layout.tag(request.tag(), manifestDigest, manifestJson.length, Map.of(OSTREE_REF, request.ostreeRef()));
        Result result = new Result(layout.dir(), request.tag(), manifestDigest, configDigest, layers);
        LOG.infof("image %s:%s: %d layers, %d bytes, manifest %s, in %d ms", layout.dir(), request.tag(), layers.size(),
                result.totalSize(), manifestDigest, (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    /**
     * The image {@code tag} of the layout, read back from its manifest and config, if the
     * tag still points at {@code manifestDigest} and the layout still holds the manifest,
     * the config and every layer blob at its size (blobs are not hashed again: like
     * ostree's objects, the layout's blobs are trusted once written under their digest).
     *
     * @throws IOException saying what is missing or different
     */
    public static Result read(OciLayout layout, String tag, String manifestDigest) throws IOException {
        Optional<String> tagged = layout.taggedDigest(tag);
        if (tagged.isEmpty()) {
            throw new IOException("the OCI layout " + layout.dir() + " has no tag " + tag);
        }
        if (!tagged.get().equals(manifestDigest)) {
            throw new IOException("tag " + tag + " of " + layout.dir() + " points at " + tagged.get() + ", not "
                    + manifestDigest);
        }
        JsonNode manifest = readBlob(layout, manifestDigest, -1);
        JsonNode configDescriptor = manifest.path("config");
        String configDigest = configDescriptor.path("digest").asText();
        JsonNode config = readBlob(layout, configDigest, configDescriptor.path("size").asLong(-1));
        JsonNode diffIds = config.path("rootfs").path("diff_ids");
        JsonNode layerNodes = manifest.path("layers");
        if (!layerNodes.isArray() || layerNodes.size() != diffIds.size()) {
            throw new IOException("manifest " + manifestDigest + " has " + layerNodes.size() + " layers but its config "
                    + diffIds.size() + " diff_ids");
        }
        List<LayerDescriptor> layers = new ArrayList<>();
        for (int i = 0; i < layerNodes.size(); i++) {
            JsonNode layer = layerNodes.get(i);
            String digest = layer.path("digest").asText();
            long size = layer.path("size").asLong(-1);
            checkBlob(layout, digest, size);
            String packages = layer.path("annotations").path(LAYER_PACKAGES).asText("");
            layers.add(new LayerDescriptor(layer.path("annotations").path(LAYER_NAME).asText(""), digest,
                    diffIds.get(i).asText(), size, packages.isEmpty() ? List.of() : List.of(packages.split(","))));
        }
        return new Result(layout.dir(), tag, manifestDigest, configDigest, layers);
    }

    private static JsonNode readBlob(OciLayout layout, String digest, long size) throws IOException {
        checkBlob(layout, digest, size);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(layout.blob(digest).toFile());
        } catch (IOException e) {
            throw new IOException("blob " + digest + " of " + layout.dir() + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static void checkBlob(OciLayout layout, String digest, long size) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("\"" + digest + "\" is not a sha256 digest");
        }
        Path blob = layout.blob(digest);
        if (!Files.isRegularFile(blob)) {
            throw new IOException("the OCI layout " + layout.dir() + " no longer holds blob " + digest);
        }
        if (size >= 0 && Files.size(blob) != size) {
            throw new IOException("blob " + digest + " of " + layout.dir() + " is " + Files.size(blob)
                    + " bytes, the manifest says " + size);
        }
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size,
            Map<String, String> annotations) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        if (annotations != null) {
            d.put("annotations", annotations);
        }
        return d;
    }

    /** The image's labels: the plan's, then bootc's and OCI's, which the plan cannot override. */
    static Map<String, String> labels(Request request) {
        Map<String, String> labels = new TreeMap<>(request.labels());
        labels.put("containers.bootc", "1");
        labels.put("ostree.commit", request.commit());
        labels.put("org.opencontainers.image.version", request.version());
        labels.put("org.opencontainers.image.source", request.source());
        request.kernelVersion().ifPresentOrElse(kver -> {
            labels.put("ostree.bootable", "1");
            labels.put("ostree.linux", kver);
        }, () -> labels.remove("ostree.bootable"));
        return labels;
    }

    /** package → layer name in the newest image of the ref in this layout. */
    static Map<String, String> previousPlacement(OciLayout layout, String ref) throws IOException {
        Map<String, String> placement = new HashMap<>();
        Optional<JsonNode> manifest = layout.newestManifest(OSTREE_REF, ref);
        if (manifest.isPresent()) {
            for (JsonNode layer : manifest.get().path("layers")) {
                String name = layer.path("annotations").path(LAYER_NAME).asText("");
                String packages = layer.path("annotations").path(LAYER_PACKAGES).asText("");
                if (!name.isEmpty() && !packages.isEmpty()) {
                    for (String pkg : packages.split(",")) {
                        placement.put(pkg, name);
                    }
                }
            }
        }
        return placement;
    }

    private static List<LayerDescriptor> writeLayers(Path tree, OciLayout layout, List<LayerPlan.Layer> plan,
            long sourceDateEpoch) throws IOException {
        Path tmp = Files.createDirectories(layout.dir().resolve("tmp"));
        TarLayerWriter writer = new TarLayerWriter(sourceDateEpoch);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<TarLayerWriter.Written>> futures = new ArrayList<>();
            for (LayerPlan.Layer layer : plan) {
                Path file = tmp.resolve(UUID.randomUUID() + ".tar.gz");
                futures.add(pool.submit(() -> writer.write(tree, layer.entries(), file)));
            }
            List<LayerDescriptor> layers = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                TarLayerWriter.Written written = futures.get(i).get();
                layout.putBlob(written.file(), written.digest());
                layers.add(new LayerDescriptor(plan.get(i).name(), written.digest(), written.diffId(), written.size(),
                        plan.get(i).packages()));
            }
            return layers;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing layers", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
