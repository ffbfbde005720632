package org.debian.bootc.executor.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.InstalledPackage;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.archive.ArchiveResolver;
import org.debian.bootc.executor.artifact.ArtifactStore;
import org.debian.bootc.executor.artifact.ComposeRepositories;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BaseKey;
import org.debian.bootc.executor.buildroot.BuildDepsKey;
import org.debian.bootc.executor.buildroot.BuildDepsLayers;
import org.debian.bootc.executor.buildroot.Buildroot;
import org.debian.bootc.executor.buildroot.BuildrootFactory;
import org.debian.bootc.executor.buildroot.ChrootCommand;
import org.debian.bootc.executor.failure.BuildFailure;
import org.debian.bootc.executor.failure.BuildTimeout;
import org.debian.bootc.executor.failure.Cancelled;
import org.debian.bootc.executor.failure.ConfigError;
import org.debian.bootc.executor.failure.Interrupted;
import org.debian.bootc.executor.failure.Diagnosis;
import org.debian.bootc.executor.failure.PackageManagerError;
import org.debian.bootc.executor.failure.RootError;
import org.debian.bootc.executor.source.SourceFetcher;

/**
 * One build attempt, stage by stage as debusine's external tasks run: fetch the
 * source → base chroot → buildroot → build-deps → {@code chroot-ready} → build
 * (no network, unprivileged) → results to the artifact store → clean up. Each
 * stage is logged with its duration; every way it can go wrong ends as one
 * {@link BuildFailure}.
 */
public final class BuildPipeline {

    private static final Logger LOG = Logger.getLogger(BuildPipeline.class);
    private static final Set<String> RESULT_SUFFIXES = Set.of(".deb", ".udeb", ".ddeb", ".buildinfo", ".changes");
    private static final String BUILD_SCRIPT = String.join("\n",
            "set -e",
            "cd /build",
            "dpkg-source -x \"$1\" src",
            "cd src",
            "SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -STimestamp)",
            "export SOURCE_DATE_EPOCH",
            "echo \"SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH (from debian/changelog)\"",
            "shift",
            "echo \"$ dpkg-buildpackage $*\"",
            "exec dpkg-buildpackage \"$@\"",
            "");

    /**
     * @param architecture the one architecture this executor builds for
     * @param baseExtraPackages installed in every base beside the buildd variant (fakeroot)
     * @param recipe {@link BaseKey#recipe()}
     * @param buildTimeout from task received to results stored; past it the build's namespace is killed
     * @param logsDir live logs: {@code <logsDir>/<task id>/<attempt>.log}
     * @param downloadsDir where sources are fetched before the buildroot exists
     * @param aptCache shared by every buildroot as {@code /var/cache/apt/archives}
     */
    public record Settings(String architecture, List<String> baseExtraPackages, String recipe, Duration buildTimeout,
            int tailLines, Path logsDir, Path downloadsDir, Path aptCache) {

        public Settings {
            baseExtraPackages = List.copyOf(baseExtraPackages);
        }
    }

    private final Settings settings;
    private final ArchiveResolver archives;
    private final BaseChrootCache bases;
    private final BuildrootFactory buildroots;
    private final SourceFetcher sources;
    private final ArtifactStore store;
    private final ComposeRepositories composeRepositories;
    private final ScheduledExecutorService watchdog;
    private final BuildDepsLayers layers;

    /** @param layers build-deps layers over the bases ({@link BuildDepsLayers}; 0 per base: none) */
    public BuildPipeline(Settings settings, ArchiveResolver archives, BaseChrootCache bases, BuildrootFactory buildroots,
            SourceFetcher sources, ArtifactStore store, ComposeRepositories composeRepositories,
            ScheduledExecutorService watchdog, BuildDepsLayers layers) {
        this.layers = layers;
        this.settings = settings;
        this.archives = archives;
        this.bases = bases;
        this.buildroots = buildroots;
        this.sources = sources;
        this.store = store;
        this.composeRepositories = composeRepositories;
        this.watchdog = watchdog;
    }

    public Settings settings() {
        return settings;
    }

    /** Where the live log of an attempt is written. */
    public Path logFile(TaskId taskId, int attempt) {
        return settings.logsDir().resolve(taskId.value()).resolve(attempt + ".log");
    }

    /**
     * Runs the attempt to its end; never throws for a failed build (the outcome says how it ended).
     *
     * @param onReady called with the buildroot once its build-deps are in, before the build step; an
     *        exception from it (chroot-ready not acknowledged) ends the attempt with {@code error}
     */
    public BuildOutcome run(BuildRequest request, RunningBuild running, Consumer<ChrootInfo> onReady) {
        long started = System.nanoTime();
        List<ArtifactRef> artifacts = new ArrayList<>();
        Optional<BuildFailure> failure = Optional.empty();
        int[] downloaded = {0};
        boolean baseMade = false;
        Path downloads = settings.downloadsDir().resolve(running.buildrootId().value());
        BuildLog log = new BuildLog(logFile(request.taskId(), request.attempt()), settings.tailLines());
        long untilDeadline = Math.max(1, Duration.between(Instant.now(), running.deadline()).toMillis());
        ScheduledFuture<?> timer = watchdog.schedule(running::timeOut, untilDeadline, TimeUnit.MILLISECONDS);
        try {
            header(request, running, log);
            stopIfAsked(running);
            Path dsc = stage(log, "fetch source", () -> sources.fetch(request.source(), downloads, log));
            stopIfAsked(running);
            BaseChrootCache.Lease lease = stage(log, "base chroot", () -> bases.acquire(baseKey(request, log), log));
            baseMade = lease.made();
            // looked at once: what apt sees in this build, and whether a build-deps layer may stand for it
            Optional<Path> composeRepository = composeRepositories.of(request.composeId());
            Optional<BuildDepsKey> depsKey = buildDepsKey(request, lease, dsc, composeRepository, log);
            try (Buildroot root = stage(log, "buildroot", () -> buildroots.create(running.buildrootId(), lease,
                    depsKey.flatMap(k -> layers.acquire(lease, k)), settings.aptCache(), composeRepository, log))) {
                running.attach(root);
                moveInto(downloads, root.buildDir());
                root.layer().ifPresent(l -> log.line("build-deps layer " + l.id()
                        + " is cached: stacked over the base"));
                boolean[] installed = {false};
                // dpkg-query's answer when it is already known (the base and any layer never change)
                String[] packages = {null};
                downloaded[0] = stage(log, "build-deps", () -> {
                    Optional<String> known = knownSatisfied(root, lease, depsKey, log);
                    if (known.isPresent()) {
                        packages[0] = known.get();
                        return 0;
                    }
                    if (satisfiedByTheChroot(root, request, running, dsc, log)) {
                        // the base's own answer only: over a layer (whose record could not be read) it is the layer's
                        if (depsKey.isPresent() && root.layer().isEmpty()) {
                            packages[0] = dpkgQuery(root, running);
                            layers.recordSatisfiedByBase(lease, depsKey.get(), packages[0]);
                        }
                        return 0;
                    }
                    try {
                        installed[0] = true;
                        return installBuildDeps(root, request, running, dsc, composeRepository, log);
                    } finally {
                        shareDownloads(root, log);
                    }
                });
                if (installed[0] && depsKey.isPresent() && root.layer().isEmpty()) {
                    packages[0] = dpkgQuery(root, running);
                    stage(log, "build-deps layer", () -> layers.capture(lease, depsKey.get(), root, packages[0], log));
                }
                ChrootInfo info = stage(log, "chroot-ready", () -> {
                    ChrootInfo ready = new ChrootInfo(root.id(), lease.id(),
                            DpkgQuery.parse(packages[0] != null ? packages[0] : dpkgQuery(root, running)));
                    log.line(ready.installed().size() + " packages installed in buildroot " + root.id());
                    try {
                        onReady.accept(ready);
                    } catch (RuntimeException e) {
                        throw new RootError("chroot-ready was not acknowledged: " + e.getMessage(), List.of(), e);
                    }
                    return ready;
                });
                stage(log, "build", () -> build(root, request, running, dsc, log));
                artifacts.addAll(stage(log, "results", () -> results(root, request, log)));
                LOG.debugf("build %s attempt %d in buildroot %s done", request.taskId(), request.attempt(),
                        info.buildrootId());
            }
        } catch (BuildFailure e) {
            failure = Optional.of(e);
        } catch (RuntimeException e) {
            LOG.errorf(e, "build %s attempt %d: unexpected failure", request.taskId(), request.attempt());
            failure = Optional.of(new RootError("unexpected: " + e, List.of(), e));
        } finally {
            timer.cancel(false);
            deleteQuietly(downloads);
        }
        if (failure.isPresent() && running.cancelReason().isPresent()) {
            failure = Optional.of(new Cancelled("cancelled: " + running.cancelReason().get(),
                    failure.get().lastLines(), failure.get()));
        } else if (failure.isPresent() && running.interruptReason().isPresent()) {
            failure = Optional.of(new Interrupted("interrupted: " + running.interruptReason().get(),
                    failure.get().lastLines(), failure.get()));
        } else if (failure.isPresent() && running.timedOut()) {
            failure = Optional.of(new BuildTimeout("the build ran past its limit of "
                    + settings.buildTimeout().toSeconds() + " s and was killed", failure.get().lastLines(),
                    failure.get()));
        }
        BuildResult result = failure.map(BuildFailure::result).orElse(BuildResult.SUCCESS);
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        log.line("");
        log.line("Build took " + millis + " ms");
        // the very last line: the scheduler quotes logTail's last line as the attempt's reason
        failure.ifPresentOrElse(
                f -> log.line("Status: " + result.wireName() + " (" + f.getClass().getSimpleName() + ", exit code "
                        + f.exitCode() + "): " + f.getMessage()),
                () -> log.line("Status: successful"));
        List<String> tail = log.tail();
        log.close();
        Optional<String> logLocation = Optional.empty();
        try {
            ArtifactRef stored = store.put(log.file(), ArtifactRef.BUILD_LOG, request.source().name() + "_"
                    + request.source().version() + "_" + request.architecture() + ".build");
            artifacts.add(stored);
            logLocation = Optional.of(stored.location());
        } catch (IOException e) {
            LOG.warnf("build %s attempt %d: the log could not be stored: %s", request.taskId(), request.attempt(),
                    e.getMessage());
        }
        return new BuildOutcome(running.buildrootId(), result, result == BuildResult.SUCCESS ? artifacts
                : artifacts.stream().filter(a -> a.category().equals(ArtifactRef.BUILD_LOG)).toList(),
                logLocation, tail, millis, failure, downloaded[0], baseMade);
    }

    private void header(BuildRequest request, RunningBuild running, BuildLog log) {
        log.line("deb-bootc-compose chroot-executor");
        log.line("Task: " + request.taskId() + " attempt " + request.attempt() + " of compose " + request.composeId());
        log.line("Source: " + request.source().name() + " " + request.source().version());
        log.line("Architecture: " + request.architecture() + "  Suite: " + request.suite() + "  Build type: "
                + request.buildType().wireName() + request.buildProfile().map(p -> "  Profile: " + p).orElse(""));
        log.line("Buildroot: " + running.buildrootId() + "  Deadline: " + running.deadline());
        log.line("Isolation: " + (buildroots.mode() == org.debian.bootc.executor.buildroot.IsolationMode.ROOT
                ? "root (the executor runs as root)"
                : "unprivileged (user " + System.getProperty("user.name") + ", a user namespace of its subordinate ids)"));
        if (!request.architecture().equals(settings.architecture())) {
            throw new ConfigError("architecture '" + request.architecture() + "' is not the one this executor builds for ('"
                    + settings.architecture() + "')");
        }
    }

    private BaseKey baseKey(BuildRequest request, BuildLog log) {
        BaseKey key = baseKey(request.suite(), request.archive(), request.inReleaseSha256());
        log.line("Archive: " + key.archive() + " (InRelease sha256 " + key.inReleaseSha256() + ")");
        log.line("Base key " + key.id() + " of:\n" + key.canonical().strip());
        return key;
    }

    /**
     * The base a task for {@code suite} on this executor's architecture builds on.
     *
     * @param archive the task's archive; empty: configuration, then the machine's apt sources
     * @param inReleaseSha256 the task's; empty: the archive's InRelease as served now
     */
    public BaseKey baseKey(String suite, Optional<String> archive, Optional<String> inReleaseSha256) {
        var root = archives.archiveFor(suite, archive);
        String inRelease = inReleaseSha256.orElseGet(() -> archives.inReleaseSha256(root, suite));
        return new BaseKey(suite, settings.architecture(), root, inRelease, settings.baseExtraPackages(),
                settings.recipe());
    }

    /**
     * The build-deps layer key of this build, when its apt sees the base's archive alone (no
     * compose repository, no extra repository: those change what apt chooses).
     */
    private Optional<BuildDepsKey> buildDepsKey(BuildRequest request, BaseChrootCache.Lease lease, Path dsc,
            Optional<Path> composeRepository, BuildLog log) {
        if (!layers.enabled()) {
            return Optional.empty();
        }
        if (composeRepository.isPresent() || !request.extraRepositories().isEmpty()) {
            log.line("no build-deps layer: apt also sees " + (composeRepository.isPresent()
                    ? "the compose's own repository" : "extra repositories")
                    + ", so its choice is not the base's alone");
            return Optional.empty();
        }
        try {
            BuildDepsKey key = BuildDepsKey.of(lease.id(), dsc, request.buildType().wireName(), request.buildProfile());
            log.line("Build-deps layer key " + key.id() + " of:\n" + key.canonical().strip());
            return Optional.of(key);
        } catch (java.io.UncheckedIOException e) {
            // the .dsc was just fetched and checked; should it be unreadable, the build says so soon enough
            log.line("no build-deps layer: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Installs the .dsc's build dependencies with apt; returns how many .debs it downloaded. */
    private int installBuildDeps(Buildroot root, BuildRequest request, RunningBuild running, Path dsc,
            Optional<Path> composeRepository, BuildLog log) {
        try {
            List<String> lines = new ArrayList<>();
            int n = 0;
            for (ExtraRepository repo : request.extraRepositories()) {
                n++;
                String options = "trusted=yes";
                if (repo.signedBy().isPresent()) {
                    String key = repo.signedBy().get();
                    boolean armoured = key.strip().startsWith("-----BEGIN PGP");
                    String keyring = "/etc/apt/keyrings/bootc-extra-" + n + (armoured || key.endsWith(".asc") ? ".asc" : ".gpg");
                    byte[] content = armoured ? key.getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(Path.of(key));
                    writeInto(root, keyring, content, log);
                    options = "signed-by=" + keyring;
                }
                lines.add("deb [" + options + "] " + repo.uri() + " " + repo.suite()
                        + (repo.components().isEmpty() ? "" : " " + String.join(" ", repo.components())));
            }
            if (composeRepository.isPresent()) {
                lines.add("deb [trusted=yes] file:/srv/compose-repo ./");
                writeInto(root, "/etc/apt/preferences.d/bootc-compose",
                        "Package: *\nPin: origin \"\"\nPin-Priority: 990\n".getBytes(StandardCharsets.UTF_8), log);
            }
            if (!lines.isEmpty()) {
                String list = "/etc/apt/sources.list.d/bootc-extra.list";
                writeInto(root, list, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), log);
                lines.forEach(l -> log.line("extra source: " + l));
                // only the extra sources are fetched: the base's lists already match the archive's InRelease
                root.run(ChrootCommand.asRoot(remaining(running), "apt-get", "update", "-o",
                        "Dir::Etc::SourceList=" + list, "-o", "Dir::Etc::SourceParts=/nonexistent", "-o",
                        "APT::Get::List-Cleanup=0"), log);
            }
        } catch (IOException e) {
            throw new RootError("cannot configure apt in buildroot " + root.id() + ": " + e.getMessage(), List.of(), e);
        } catch (CommandFailedException e) {
            throw Diagnosis.apt("apt-get update of the extra repositories", e,
                    (m, c) -> new PackageManagerError(m, c.lastLines(), c));
        }
        List<String> argv = new ArrayList<>(List.of("apt-get", "-y", "--no-install-recommends", "-o",
                "APT::Keep-Downloaded-Packages=true", "-o", "Acquire::Retries=2", "build-dep"));
        switch (request.buildType()) {
            case ANY -> argv.add("--arch-only");
            case ALL -> argv.add("--indep-only");
            case BINARY -> {
            }
        }
        request.buildProfile().ifPresent(p -> argv.addAll(List.of("-P", p)));
        argv.add("/build/" + dsc.getFileName());
        try {
            CommandResult result = root.run(new ChrootCommand(argv, true, false, Map.of(), "/build", remaining(running)),
                    log);
            int debs = downloads(result.output());
            log.line(debs + " package(s) downloaded; the rest came from the shared apt cache or local repositories");
            return debs;
        } catch (CommandFailedException e) {
            throw Diagnosis.apt("installing the build dependencies", e,
                    (m, c) -> new PackageManagerError(m, c.lastLines(), c));
        }
    }

    private static void writeInto(Buildroot root, String chrootPath, byte[] content, BuildLog log) {
        try {
            root.writeFile(chrootPath, content, log);
        } catch (CommandFailedException | java.io.UncheckedIOException e) {
            throw new RootError("cannot write " + chrootPath + " into buildroot " + root.id() + ": " + e.getMessage(),
                    List.of(), e);
        }
    }

    /**
     * Whether the base (and the build-deps layer over it, if any) already has every build
     * dependency ({@code dpkg-checkbuilddeps}, which reads only dpkg's status): then apt,
     * which takes seconds to load the archive's package lists, is not run at all.
     */
    private boolean satisfiedByTheChroot(Buildroot root, BuildRequest request, RunningBuild running, Path dsc,
            BuildLog log) {
        List<String> argv = new ArrayList<>(List.of("dpkg-checkbuilddeps"));
        switch (request.buildType()) {
            case ANY -> argv.add("-B");
            case ALL -> argv.add("-A");
            case BINARY -> {
            }
        }
        request.buildProfile().ifPresent(p -> argv.addAll(List.of("-P", p)));
        String control = ".bootc-build-deps.control";
        try {
            Files.writeString(root.buildDir().resolve(control),
                    BuildDepsKey.checkControl(Files.readString(root.buildDir().resolve(dsc.getFileName()))));
        } catch (IOException e) {
            log.line("cannot write the build relations for dpkg-checkbuilddeps (" + e.getMessage()
                    + "): apt decides");
            return false;
        }
        argv.add("/build/" + control);
        try {
            root.run(new ChrootCommand(argv, true, false, Map.of(), "/build", remaining(running)), log);
            log.line(root.layer().map(l -> "the build-deps layer over the base satisfies")
                    .orElse("the base satisfies") + " every build dependency: nothing to install");
            return true;
        } catch (CommandFailedException e) {
            return false;
        }
    }

    /** apt's "Get:" lines of an install, less those from local (file:, copy:) repositories, which fetch nothing. */
    static int downloads(String aptOutput) {
        return (int) aptOutput.lines().filter(l -> l.matches("^Get:\\d+ .*") && !l.matches("^Get:\\d+ (file|copy):.*"))
                .count();
    }

    /**
     * Whether this build's build-deps are known to be in the chroot without asking it: its
     * layer was made from their install, or an earlier build with the same key found the base
     * alone has them. Returns dpkg-query's answer recorded then.
     */
    private Optional<String> knownSatisfied(Buildroot root, BaseChrootCache.Lease lease,
            Optional<BuildDepsKey> depsKey, BuildLog log) {
        if (root.layer().isPresent()) {
            Optional<String> known = root.layer().get().installed();
            known.ifPresent(k -> log.line("the build-deps layer over the base satisfies every build dependency:"
                    + " nothing to install (it was made from their install)"));
            return known;
        }
        Optional<String> known = depsKey.flatMap(k -> layers.satisfiedByBase(lease, k));
        known.ifPresent(k -> log.line("the base satisfies every build dependency: nothing to install (found by an"
                + " earlier build with the same build relations)"));
        return known;
    }

    /** What dpkg says is installed in the chroot, as {@link DpkgQuery#parse} reads it. */
    private String dpkgQuery(Buildroot root, RunningBuild running) {
        try {
            CommandResult result = root.run(ChrootCommand.asRoot(remaining(running), "dpkg-query", "-W", "-f",
                    "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n"), line -> {
                    });
            return result.output();
        } catch (CommandFailedException e) {
            throw Diagnosis.root("listing the buildroot's packages", e);
        }
    }

    private Void build(Buildroot root, BuildRequest request, RunningBuild running, Path dsc, BuildLog log) {
        try {
            Files.writeString(root.buildDir().resolve(".bootc-build.sh"), BUILD_SCRIPT);
        } catch (IOException e) {
            throw new RootError("cannot write the build script: " + e.getMessage(), List.of(), e);
        }
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "/build/.bootc-build.sh", dsc.getFileName().toString(),
                "-us", "-uc", request.buildType().dpkgBuildpackageOption()));
        request.buildProfile().ifPresent(p -> argv.add("--build-profiles=" + p));
        try {
            root.run(new ChrootCommand(argv, false, true, Map.of(), "/build", remaining(running)), log);
            return null;
        } catch (CommandFailedException e) {
            throw Diagnosis.build("dpkg-buildpackage", e);
        }
    }

    private List<ArtifactRef> results(Buildroot root, BuildRequest request, BuildLog log) {
        Set<String> sourceFiles = request.source().files().stream().map(SourceFile::name).collect(Collectors.toSet());
        List<ArtifactRef> refs = new ArrayList<>();
        List<Path> debs = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.buildDir())) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                String suffix = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
                if (sourceFiles.contains(name) || !RESULT_SUFFIXES.contains(suffix)) {
                    continue;
                }
                String category = switch (suffix) {
                    case ".buildinfo" -> ArtifactRef.BUILDINFO;
                    case ".changes" -> ArtifactRef.CHANGES;
                    default -> ArtifactRef.BINARY_PACKAGE;
                };
                ArtifactRef ref = store.put(file, category, name);
                refs.add(ref);
                if (category.equals(ArtifactRef.BINARY_PACKAGE)) {
                    debs.add(file);
                }
                log.line("stored " + name + " (" + ref.size() + " bytes) as " + ref.location());
            }
        } catch (IOException e) {
            throw new RootError("cannot store the results: " + e.getMessage(), List.of(), e);
        }
        try {
            composeRepositories.add(request.composeId(), debs, log);
        } catch (IOException | CommandFailedException e) {
            log.line("warning: the compose repository was not updated: " + e.getMessage());
        }
        return refs;
    }

    /**
     * What apt fetched into the buildroot's own archive directory goes to the shared
     * cache (every build has its own apt lock and partial directory, so builds running
     * at once never wait for each other's apt); a failure here costs only a download later.
     */
    private static void shareDownloads(Buildroot root, BuildLog log) {
        try {
            root.shareDownloads(log);
        } catch (CommandFailedException e) {
            log.line("warning: the downloaded packages were not added to the shared apt cache: " + e.getMessage());
        }
    }

    private Duration remaining(RunningBuild running) {
        Duration left = Duration.between(Instant.now(), running.deadline());
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    private static void stopIfAsked(RunningBuild running) {
        if (running.cancelReason().isPresent()) {
            throw new Cancelled("cancelled: " + running.cancelReason().get());
        }
        if (running.interruptReason().isPresent()) {
            throw new Interrupted("interrupted: " + running.interruptReason().get());
        }
        if (running.timedOut()) {
            throw new BuildTimeout("the build ran past its deadline " + running.deadline());
        }
    }

    private static void moveInto(Path from, Path to) {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.move(file, to.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new RootError("cannot move the source into the buildroot: " + e.getMessage(), List.of(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // absent already, or the next start's cleanup takes it
        }
    }

    private interface Stage<T> {
        T run();
    }

    private static <T> T stage(BuildLog log, String name, Stage<T> stage) {
        log.stage(name);
        long started = System.nanoTime();
        try {
            return stage.run();
        } finally {
            log.stageDone(name, Duration.ofNanos(System.nanoTime() - started));
        }
    }
}
