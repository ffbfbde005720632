package org.debian.bootc.publisher.service;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.AptRepository;
import org.debian.bootc.events.DiskFormat;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.fs.Trees;
import org.debian.bootc.publisher.apt.ArtifactFetcher;
import org.debian.bootc.publisher.disk.DiskImagePhase;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.PublishFailure;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.image.OciLayout;
import org.debian.bootc.publisher.image.PushPhase;
import org.debian.bootc.publisher.image.TreeScanner;
import org.debian.bootc.publisher.lint.LintPhase;
import org.debian.bootc.publisher.phase.ArchiveRelease;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.publisher.phase.OstreeLayout;
import org.debian.bootc.publisher.phase.Phase;
import org.debian.bootc.publisher.phase.PublishContext;
import org.debian.bootc.publisher.phase.RepositoryPhase;
import org.debian.bootc.publisher.phase.RootfsPhase;

/**
 * Runs the phases for one image, in Pungi's order, as ordered lists of {@link Phase}s over
 * one {@link PublishContext}: the phases that make the image (the apt repository of the
 * compose's built packages, the root file system and its OSTree layout, lint, the OSTree
 * commit, the OCI image) and the phases that deliver it (the push, the disk images). A
 * phase that fails stops the rest and surfaces as a {@link PublishFailure} naming its stage
 * and whose fault it is; lint runs before anything is committed, so a tree that breaks a
 * rule leaves no commit and no image behind. Before any of it, the input key
 * ({@link InputKey}, {@link InputKeyRecords}) decides whether the ref's last publish can be
 * reused as it is: then only the delivering phases run. Plain Java: the service, the tests
 * and the bench command use it alike.
 */
public final class ImagePublisher {

    private static final Logger LOG = Logger.getLogger(ImagePublisher.class);

    private final PublisherSettings settings;
    private final ProcessRunner runner;
    private final OstreeLayout layout;
    private final OstreeCommitPhase ostree;
    private final InputKeyRecords records;
    /** From the built packages to the image in the OCI layout. */
    private final List<Phase> making;
    /** From a tree mmdebstrap made and laid out to the image: {@link #making} without repository and rootfs. */
    private final List<Phase> makingFromTree;
    /** The image to where it goes: run after {@link #making}, or alone when the last publish is reused. */
    private final List<Phase> delivering;

    public ImagePublisher(PublisherSettings settings) {
        this.settings = settings;
        Path work = settings.dataDir().resolve("work");
        this.runner = new ProcessRunner();
        this.layout = new OstreeLayout(runner, settings.requireKernel());
        this.ostree = new OstreeCommitPhase(runner, settings.dataDir().resolve("ostree/repo"), settings.toolTimeout());
        this.records = new InputKeyRecords(settings.dataDir().resolve("input-keys"));
        RepositoryPhase repository = new RepositoryPhase(runner, new ArtifactFetcher(), settings.signer(),
                settings.dataDir().resolve("apt"));
        RootfsPhase rootfs = new RootfsPhase(runner, work, settings.archiveKeyring(), settings.downloadCache(),
                settings.toolTimeout(), layout);
        LintPhase lint = new LintPhase(runner);
        ImagePhase image = new ImagePhase(new TreeScanner(runner), ociRoot(), settings.imageSource(),
                settings.maxLayers());
        this.makingFromTree = List.of(lint, ostree, image);
        this.making = List.of(repository, rootfs, lint, ostree, image);
        this.delivering = List.of(new PushPhase(runner, settings.tlsVerify(), settings.toolTimeout(), settings.push()),
                new DiskImagePhase(runner, ostree.repo(), settings.dataDir().resolve("disk"), work,
                        settings.toolTimeout(), settings.diskImagesKept()));
    }

    public Path ostreeRepository() {
        return ostree.repo();
    }

    private Path ociRoot() {
        return settings.dataDir().resolve("oci");
    }

    /** The OCI layout directory images of {@code repository} are written to. */
    public OciLayout ociLayout(String repository) {
        return OciLayout.forRepository(ociRoot(), repository);
    }

    /**
     * Publishes one image. First the input key ({@link InputKey}): when the ref's last
     * publish had the same key, the ref still points at its commit and the OCI layout
     * still holds its image, nothing is made again (no repository, mmdebstrap, commit or
     * layers) and only the push runs, which sends nothing the registry has. Otherwise
     * every phase runs and the key is recorded for the next time.
     */
    public PublishResult publish(PublishRequest request) {
        String arch = request.target().architecture();
        long started = System.nanoTime();
        Planned planned = plan(request);
        PublishResult result;
        if (planned.decision().reuse()) {
            LOG.infof("compose %s %s: reusing the last publish of %s, %s: no repository, root file system, commit or"
                    + " layers are made", request.composeId(), arch, request.target().ostreeRef(),
                    planned.decision().reason());
            PublishContext context = context(request, Optional.of(planned.archive()), planned.epoch(), null, null);
            context.put(OstreeCommitPhase.COMMIT, planned.decision().commit().orElseThrow());
            context.put(ImagePhase.IMAGE, planned.decision().image().orElseThrow());
            run(delivering, context);
            result = result(context, true);
        } else {
            LOG.infof("compose %s %s: full publish of %s (input key %s): %s", request.composeId(), arch,
                    request.target().ostreeRef(), planned.key(), planned.decision().reason());
            result = publishInFull(request, planned);
        }
        LOG.infof("published %s %s: commit %s, %s (%s), %d bytes pushed, %s, in %d ms", request.composeId(), arch,
                result.commit().commit(), result.imageReference(), result.image().manifestDigest(),
                result.bytesPushed(), result.reused() ? "reused" : "made in full",
                (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    /**
     * What {@link #publish} would decide for this request, without publishing: the input
     * key and whether the last publish of the ref can be reused (the bench times this;
     * it is the whole cost of a no-change OSTree commit now).
     */
    public InputKeyRecords.Decision reuseDecision(PublishRequest request) {
        return plan(request).decision();
    }

    /** The ref's current commit in the OSTree repository ({@code ostree rev-parse}), if the ref exists. */
    public Optional<String> refCommit(String ref) {
        return ostree.current(ref);
    }

    /** The input-key records, one per ref. */
    public InputKeyRecords inputKeyRecords() {
        return records;
    }

    private record Planned(URI archive, long epoch, String key, InputKeyRecords.Decision decision) {
    }

    private Planned plan(PublishRequest request) {
        URI archive = archive(request);
        long epoch = sourceDateEpoch(request, archive);
        String key = InputKey.of(request, epoch, settings, toolVersions());
        String ref = request.target().ostreeRef();
        InputKeyRecords.Decision decision;
        try {
            decision = records.decide(ref, key, ostree.current(ref), ociLayout(request.target().imageRepository()),
                    request.target().imageTag());
        } catch (RuntimeException e) {
            // e.g. ostree rev-parse failing on a broken repository: the full path will say what is wrong
            decision = new InputKeyRecords.Decision(false, "cannot check the last publish: " + e.getMessage(),
                    Optional.empty(), Optional.empty());
        }
        return new Planned(archive, epoch, key, decision);
    }

    private PublishResult publishInFull(PublishRequest request, Planned planned) {
        String arch = request.target().architecture();
        Path work = settings.dataDir().resolve("work").resolve(request.composeId() + "-" + arch);
        try {
            try {
                Trees.delete(work);
                Files.createDirectories(work);
            } catch (IOException e) {
                throw new InfrastructureFailure(Stage.ROOTFS, "cannot prepare " + work + ": " + e, e);
            }
            PublishContext context = context(request, Optional.of(planned.archive()), planned.epoch(), work,
                    work.resolve("rootfs"));
            run(making, context);
            ImagePhase.Result image = context.get(ImagePhase.IMAGE);
            try {
                records.write(new InputKeyRecords.Entry(request.target().ostreeRef(), planned.key(),
                        context.get(OstreeCommitPhase.COMMIT).commit(), request.target().imageTag(),
                        image.manifestDigest()));
            } catch (IOException e) {
                LOG.warnf("cannot write the input-key record of %s (%s): the next publish of the same inputs is made"
                        + " in full", request.target().ostreeRef(), e.toString());
            }
            run(delivering, context);
            return result(context, false);
        } finally {
            try {
                Trees.delete(work);
            } catch (IOException e) {
                LOG.warnf("cannot remove %s: %s", work, e);
            }
        }
    }

    /**
     * The phases after the root file system, on a tree mmdebstrap made: OSTree layout,
     * lint, commit, image, push, disks. The layout finishes the rootfs stage the caller
     * began, so that stage is not listed as run. Lint comes before the commit, so a tree
     * that breaks a rule leaves nothing behind. No input key is recorded: the tree did not
     * come from a request's inputs.
     */
    public PublishResult publishTree(PublishRequest request, Path tree, long epoch) {
        PublishContext context = context(request, Optional.empty(), epoch, null, tree);
        context.put(RootfsPhase.LAID_OUT, layout.apply(tree));
        run(makingFromTree, context);
        run(delivering, context);
        return result(context, false);
    }

    private static PublishContext context(PublishRequest request, Optional<URI> archive, long epoch, Path work,
            Path tree) {
        return new PublishContext(request.composeId(), request.version(), request.plan(), request.target(),
                request.builtPackages(), request.rebuiltSources(), archive, epoch, work, tree);
    }

    /** Runs each phase that applies, in order; the first failure stops the rest. */
    private static void run(List<Phase> phases, PublishContext context) {
        for (Phase phase : phases) {
            if (phase.appliesTo(context)) {
                phase.run(context);
                context.ran(phase.stage());
            }
        }
    }

    private static PublishResult result(PublishContext context, boolean reused) {
        return new PublishResult(context.get(OstreeCommitPhase.COMMIT), context.get(ImagePhase.IMAGE),
                context.find(PushPhase.PUSHED), reused, context.stages(),
                context.find(DiskImagePhase.DISKS).orElse(List.of()));
    }

    /** {@code package=version} of {@link InputKey#TOOLS} on this host, as dpkg knows them (a missing one is left out). */
    private java.util.Map<String, String> toolVersions() {
        List<String> command = new ArrayList<>(List.of("dpkg-query", "-W", "-f=${Package}=${Version}\\n"));
        command.addAll(InputKey.TOOLS);
        java.util.Map<String, String> versions = new java.util.TreeMap<>();
        runner.run(Command.of(command).withTimeout(settings.toolTimeout()).capturingStdout().acceptingAnyExitCode())
                .stdoutText().lines()
                .filter(l -> l.contains("=")).forEach(l -> versions.put(l.substring(0, l.indexOf('=')),
                        l.substring(l.indexOf('=') + 1)));
        return versions;
    }

    private static URI archive(PublishRequest request) {
        URI archive;
        try {
            archive = URI.create(request.plan().archive());
        } catch (IllegalArgumentException e) {
            throw new InputRejected(Stage.ROOTFS, "plan.archive \"" + request.plan().archive()
                    + "\" is not a URI: " + e.getMessage());
        }
        if (!archive.isAbsolute()) {
            throw new InputRejected(Stage.ROOTFS, "plan.archive \"" + archive + "\" is not an absolute URI");
        }
        return archive;
    }

    private long sourceDateEpoch(PublishRequest request, URI archive) {
        if (settings.sourceDateEpoch().isPresent()) {
            return settings.sourceDateEpoch().get();
        }
        try {
            ArchiveRelease release = ArchiveRelease.fetch(archive, request.plan().suite());
            if (!release.sha256().equals(request.plan().inReleaseSha256())) {
                LOG.warnf("the InRelease of %s %s changed since the compose was planned (sha256 %s, planned %s)",
                        archive, request.plan().suite(), release.sha256(), request.plan().inReleaseSha256());
            }
            return release.date();
        } catch (IOException | RuntimeException e) {
            throw new InfrastructureFailure(Stage.ROOTFS, "cannot read the Date of " + archive + " dists/"
                    + request.plan().suite() + "/InRelease for SOURCE_DATE_EPOCH: " + e.getMessage(), e);
        }
    }
}
