package org.debian.bootc.publisher.service;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import org.debian.bootc.publisher.disk.DiskImagePhase;
import org.debian.bootc.publisher.image.ImagePhase;
import org.debian.bootc.publisher.image.OciLayout;
import org.debian.bootc.publisher.image.PushPhase;
import org.debian.bootc.publisher.image.TreeScanner;
import org.debian.bootc.publisher.lint.LintPhase;
import org.debian.bootc.publisher.phase.ArchiveRelease;
import org.debian.bootc.publisher.phase.ArtifactFetcher;
import org.debian.bootc.publisher.phase.ComposeRepository;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.publisher.phase.OstreeLayout;
import org.debian.bootc.publisher.phase.PhaseFailedException;
import org.debian.bootc.publisher.phase.RepositoryPhase;
import org.debian.bootc.publisher.phase.RootfsPhase;
import org.debian.bootc.publisher.phase.RootfsRequest;
import org.debian.bootc.publisher.phase.Stage;
import org.debian.bootc.publisher.phase.Tree;

/**
 * Runs the phases for one image, in Pungi's order: the compose's apt repository, the
 * root file system and its OSTree layout, lint, the OSTree commit, the OCI image, the
 * push. A phase that fails stops the rest and surfaces as a
 * {@link PhaseFailedException} naming its stage; lint runs before anything is committed,
 * so a tree that breaks a rule leaves no commit and no image behind. Before any of it,
 * the input key ({@link InputKey}, {@link InputKeyRecords}) decides whether the ref's last
 * publish can be reused as it is. Plain Java: the service, the tests and the bench
 * command use it alike.
 */
public final class ImagePublisher {

    private static final Logger LOG = Logger.getLogger(ImagePublisher.class);

    private final PublisherSettings settings;
    private final ProcessRunner runner;
    private final RepositoryPhase repositoryPhase;
    private final RootfsPhase rootfsPhase;
    private final OstreeLayout layout;
    private final LintPhase lint;
    private final OstreeCommitPhase ostree;
    private final ImagePhase image;
    private final PushPhase push;
    private final InputKeyRecords records;
    private final DiskImagePhase disk;

    public ImagePublisher(PublisherSettings settings) {
        this.settings = settings;
        Path work = settings.dataDir().resolve("work");
        this.runner = new ProcessRunner();
        this.repositoryPhase = new RepositoryPhase(runner, new ArtifactFetcher(), settings.signer());
        this.rootfsPhase = new RootfsPhase(runner, work, settings.archiveKeyring(), settings.downloadCache(),
                settings.toolTimeout());
        this.layout = new OstreeLayout(runner, settings.requireKernel());
        this.lint = new LintPhase(runner);
        this.ostree = new OstreeCommitPhase(runner, settings.dataDir().resolve("ostree/repo"), settings.toolTimeout());
        this.image = new ImagePhase(new TreeScanner(runner));
        this.push = new PushPhase(runner, settings.tlsVerify(), settings.toolTimeout());
        this.records = new InputKeyRecords(settings.dataDir().resolve("input-keys"));
        this.disk = new DiskImagePhase(runner, ostree.repo(), settings.dataDir().resolve("disk"), work,
                settings.toolTimeout(), settings.diskImagesKept());
    }

    public Path ostreeRepository() {
        return ostree.repo();
    }

    /** The OCI layout directory images of {@code repository} are written to. */
    public OciLayout ociLayout(String repository) {
        return new OciLayout(settings.dataDir().resolve("oci").resolve(repository.replaceAll("[^A-Za-z0-9._-]", "_")));
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
            ImagePhase.Result written = planned.decision().image().orElseThrow();
            OstreeCommitPhase.Result commit = planned.decision().commit().orElseThrow();
            Optional<PushPhase.Result> pushed = pushIfOn(request, written);
            List<Stage> stages = new ArrayList<>();
            pushed.ifPresent(p -> stages.add(Stage.PUSH));
            result = new PublishResult(commit, written, pushed, true, stages, disks(request, commit, stages));
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
        Path tree = work.resolve("rootfs");
        try {
            Tree.deleteRecursively(work);
            Files.createDirectories(work);
            ComposeRepository repository = repositoryPhase.run(request.builtPackages(),
                    settings.dataDir().resolve("apt").resolve(request.composeId()), "compose",
                    List.of(arch));
            List<PackageId> packages = request.target().packages().stream()
                    .map(ImagePublisher::binary).toList();
            rootfsPhase.run(new RootfsRequest(arch, planned.archive(), request.plan().suite(), List.of("main"), packages,
                    repository.packages().isEmpty() ? Optional.empty() : Optional.of(repository),
                    extraSources(request.plan().extraRepositories(), work), planned.epoch()), tree);
            Made made = commitAndImage(request, tree, planned.epoch());
            try {
                records.write(new InputKeyRecords.Entry(request.target().ostreeRef(), planned.key(),
                        made.commit().commit(), request.target().imageTag(), made.image().manifestDigest()));
            } catch (IOException e) {
                LOG.warnf("cannot write the input-key record of %s (%s): the next publish of the same inputs is made"
                        + " in full", request.target().ostreeRef(), e.toString());
            }
            Optional<PushPhase.Result> pushed = pushIfOn(request, made.image());
            List<Stage> stages = new ArrayList<>(List.of(Stage.REPOSITORY, Stage.ROOTFS, Stage.LINT, Stage.OSTREE,
                    Stage.IMAGE));
            pushed.ifPresent(p -> stages.add(Stage.PUSH));
            return new PublishResult(made.commit(), made.image(), pushed, false, stages,
                    disks(request, made.commit(), stages));
        } catch (IOException e) {
            throw new PhaseFailedException(Stage.ROOTFS, "cannot prepare " + work + ": " + e, e);
        } catch (IllegalArgumentException e) {
            // a package name or version of the plan that is not Debian's, an extra repository apt cannot take
            throw new PhaseFailedException(Stage.ROOTFS, e.getMessage(), e);
        } finally {
            try {
                Tree.deleteRecursively(work);
            } catch (IOException e) {
                LOG.warnf("cannot remove %s: %s", work, e);
            }
        }
    }

    /**
     * The phases after the root file system, on a tree mmdebstrap made: OSTree layout,
     * lint, commit, image, push. Lint comes before the commit, so a tree that breaks a
     * rule leaves nothing behind. No input key is recorded: the tree did not come from a
     * request's inputs.
     */
    public PublishResult publishTree(PublishRequest request, Path tree, long epoch) {
        Made made = commitAndImage(request, tree, epoch);
        Optional<PushPhase.Result> pushed = pushIfOn(request, made.image());
        List<Stage> stages = new ArrayList<>(List.of(Stage.LINT, Stage.OSTREE, Stage.IMAGE));
        pushed.ifPresent(p -> stages.add(Stage.PUSH));
        return new PublishResult(made.commit(), made.image(), pushed, false, stages,
                disks(request, made.commit(), stages));
    }

    /**
     * The target's disk images of the commit, when it asks for them ({@link DiskImagePhase}
     * reuses images already made of the same commit and settings, so the fast path makes
     * none again); adds {@link Stage#DISK} to {@code stages} when it runs.
     */
    private List<DiskImagePhase.Image> disks(PublishRequest request, OstreeCommitPhase.Result commit,
            List<Stage> stages) {
        DiskSpec spec = request.target().disk();
        if (spec == null) {
            return List.of();
        }
        List<String> formats;
        try {
            formats = spec.knownFormats().stream().map(DiskFormat::wireName).toList();
        } catch (IllegalArgumentException e) {
            throw new PhaseFailedException(Stage.DISK, "disk.formats: " + e.getMessage(), e);
        }
        DiskImagePhase.Request diskRequest;
        try {
            diskRequest = new DiskImagePhase.Request(request.target().architecture(), request.target().ostreeRef(),
                    commit.commit(), formats, spec.sizeBytes(), spec.kargs());
        } catch (IllegalArgumentException e) {
            throw new PhaseFailedException(Stage.DISK, e.getMessage(), e);
        }
        stages.add(Stage.DISK);
        return disk.run(diskRequest).images();
    }

    private record Made(OstreeCommitPhase.Result commit, ImagePhase.Result image) {
    }

    private Made commitAndImage(PublishRequest request, Path tree, long epoch) {
        String arch = request.target().architecture();
        OstreeLayout.Result laidOut = layout.apply(tree);
        lint.run(tree);
        OstreeCommitPhase.Result commit = ostree.run(tree, new OstreeCommitPhase.Request(request.target().ostreeRef(),
                request.version(), request.composeId(), request.rebuiltSources(), laidOut.kernelVersion(), epoch));
        ImagePhase.Result written = image.run(tree, ociLayout(request.target().imageRepository()),
                new ImagePhase.Request(arch, request.target().ostreeRef(), request.target().imageTag(),
                        request.version(), commit.commit(), laidOut.kernelVersion(), settings.imageSource(),
                        request.target().labels(), epoch, settings.maxLayers()));
        return new Made(commit, written);
    }

    private Optional<PushPhase.Result> pushIfOn(PublishRequest request, ImagePhase.Result written) {
        return settings.push() ? Optional.of(push.run(written, request.target().imageRepository())) : Optional.empty();
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

    private static PackageId binary(ResolvedPackage p) {
        return new PackageId(p.name(), p.version(), p.architecture());
    }

    private static URI archive(PublishRequest request) {
        URI archive;
        try {
            archive = URI.create(request.plan().archive());
        } catch (IllegalArgumentException e) {
            throw new PhaseFailedException(Stage.ROOTFS, "plan.archive \"" + request.plan().archive()
                    + "\" is not a URI: " + e.getMessage());
        }
        if (!archive.isAbsolute()) {
            throw new PhaseFailedException(Stage.ROOTFS, "plan.archive \"" + archive + "\" is not an absolute URI");
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
            throw new PhaseFailedException(Stage.ROOTFS, "cannot read the Date of " + archive + " dists/"
                    + request.plan().suite() + "/InRelease for SOURCE_DATE_EPOCH: " + e.getMessage(), e);
        }
    }

    /** One-line apt sources for the plan's extra repositories; an inline key block is written to a file apt reads. */
    static List<String> extraSources(List<AptRepository> repositories, Path work) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < repositories.size(); i++) {
            AptRepository r = repositories.get(i);
            String signedBy = r.signedBy();
            if (signedBy.startsWith("-----BEGIN")) {
                Path key = work.resolve("extra-" + i + ".asc");
                Files.writeString(key, signedBy, StandardCharsets.UTF_8);
                signedBy = key.toString();
            }
            lines.add("deb [signed-by=" + signedBy + "] " + r.uri() + " " + r.suite() + " " + String.join(" ", r.components()));
        }
        return lines;
    }
}
