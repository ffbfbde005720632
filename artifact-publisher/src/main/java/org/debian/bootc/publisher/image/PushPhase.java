package org.debian.bootc.publisher.image;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.publisher.phase.Phase;
import org.debian.bootc.publisher.phase.PublishContext;

/**
 * Pushes an image from the OCI layout to a registry with {@code skopeo copy
 * --preserve-digests}, which asks the registry for each blob first and uploads only
 * the missing ones. Before the copy this phase asks the registry the same question
 * (a {@code HEAD} on each blob, Docker Registry HTTP API v2) to count the bytes that
 * will be sent; after it, it checks the registry holds the manifest digest written.
 * When the registry's tag already names the manifest (a {@code HEAD} on it), nothing is
 * sent and skopeo does not run.
 */
public final class PushPhase implements Phase {

    /** What the push sent. */
    public static final PublishContext.Key<Result> PUSHED = new PublishContext.Key<>("push");

    private static final Logger LOG = Logger.getLogger(PushPhase.class);

    /** What was pushed: the reference, the manifest digest, and what was uploaded. */
    public record Result(String imageReference, String manifestDigest, long bytesPushed, int blobsPushed) {
    }

    private final ProcessRunner runner;
    private final boolean tlsVerify;
    private final Duration timeout;
    private final boolean on;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    /**
     * @param tlsVerify false for a registry served over plain HTTP (a loopback registry in tests)
     * @param on whether publishes push at all; otherwise the image stays in the OCI layout
     */
    public PushPhase(ProcessRunner runner, boolean tlsVerify, Duration timeout, boolean on) {
        this.runner = runner;
        this.tlsVerify = tlsVerify;
        this.timeout = timeout;
        this.on = on;
    }

    @Override
    public Stage stage() {
        return Stage.PUSH;
    }

    @Override
    public boolean appliesTo(PublishContext context) {
        return on;
    }

    /** Pushes the context's image to the target's image repository. */
    @Override
    public void run(PublishContext context) {
        context.put(PUSHED, run(context.get(ImagePhase.IMAGE), context.target().imageRepository()));
    }

    public Result run(ImagePhase.Result image, String repository) {
        String reference = repository + ":" + image.tag();
        try {
            Optional<String> there = registryDigest(repository, image.tag());
            if (there.isPresent() && there.get().equals(image.manifestDigest())) {
                // The tag already names this manifest, so the registry holds every blob of it: nothing to send.
                LOG.infof("pushed %s@%s: the registry already has it, 0 blobs, 0 bytes", reference, image.manifestDigest());
                return new Result(reference, image.manifestDigest(), 0, 0);
            }
            List<Long> missing = new ArrayList<>();
            long bytes = 0;
            List<String[]> blobs = new ArrayList<>();
            blobs.add(new String[] {image.configDigest(), Long.toString(Files.size(blob(image, image.configDigest())))});
            for (ImagePhase.LayerDescriptor layer : image.layers()) {
                blobs.add(new String[] {layer.digest(), Long.toString(layer.size())});
            }
            for (String[] blob : blobs) {
                if (!present(repository, blob[0])) {
                    missing.add(Long.parseLong(blob[1]));
                    bytes += Long.parseLong(blob[1]);
                }
            }
            Path digestFile = Files.createTempFile(image.layout(), "pushed-", ".digest");
            try {
                runner.run(List.of("skopeo", "copy", "--quiet", "--preserve-digests",
                        "--dest-tls-verify=" + tlsVerify, "--digestfile", digestFile.toString(),
                        "oci:" + image.layout() + ":" + image.tag(), "docker://" + reference), timeout);
                String pushed = Files.readString(digestFile).strip();
                if (!pushed.equals(image.manifestDigest())) {
                    throw new InfrastructureFailure(Stage.PUSH, "the registry holds " + reference + " as " + pushed
                            + ", not the manifest written, " + image.manifestDigest());
                }
            } finally {
                Files.deleteIfExists(digestFile);
            }
            LOG.infof("pushed %s@%s: %d of %d blobs, %d bytes", reference, image.manifestDigest(), missing.size(),
                    blobs.size(), bytes);
            return new Result(reference, image.manifestDigest(), bytes, missing.size());
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.PUSH, e);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.PUSH, "cannot push " + reference + ": " + e, e);
        }
    }

    private static Path blob(ImagePhase.Result image, String digest) {
        return image.layout().resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    /**
     * The manifest digest the registry gives for {@code tag} ({@code HEAD} on the manifest,
     * its {@code Docker-Content-Digest}), empty if the tag is not there or the registry does
     * not say.
     */
    Optional<String> registryDigest(String repository, String tag) throws IOException {
        URI uri = URI.create(base(repository) + "/manifests/" + tag);
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Accept", OciLayout.MANIFEST)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? response.headers().firstValue("Docker-Content-Digest") : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** {@code http(s)://registry/v2/name} of an image repository {@code registry/name}. */
    private String base(String repository) {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            throw new InputRejected(Stage.PUSH, "image repository \"" + repository
                    + "\" names no registry (expected registry/name)");
        }
        return (tlsVerify ? "https://" : "http://") + repository.substring(0, slash) + "/v2/" + repository.substring(slash + 1);
    }

    /** Whether the registry already has the blob in the repository (anything but 200 counts as missing). */
    boolean present(String repository, String digest) throws IOException {
        URI uri = URI.create(base(repository) + "/blobs/" + digest);
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
