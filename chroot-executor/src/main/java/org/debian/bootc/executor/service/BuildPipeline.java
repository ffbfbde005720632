package org.debian.bootc.executor.service;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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

import org.debian.bootc.debian.apt.Keyrings;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.archive.ArchiveResolver;
import org.debian.bootc.executor.artifact.ArtifactStore;
import org.debian.bootc.executor.artifact.ComposeAptRepositories;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BaseKey;
import org.debian.bootc.executor.buildroot.BuildDepsKey;
import org.debian.bootc.executor.buildroot.BuildDepsLayers;
import org.debian.bootc.executor.buildroot.Buildroot;
import org.debian.bootc.executor.buildroot.BuildrootFactory;
import org.debian.bootc.executor.buildroot.ChrootCommand;
import org.debian.bootc.executor.failure.BuildFailure;
import org.debian.bootc.executor.failure.ConfigError;
import org.debian.bootc.executor.failure.Diagnosis;
import org.debian.bootc.executor.failure.PackageManagerError;
import org.debian.bootc.executor.failure.BuildError;
import org.debian.bootc.executor.failure.RootError;
import org.debian.bootc.executor.limits.BuildLimits;
import org.debian.bootc.executor.source.SourceFetcher;

/**
 * Runs a build attempt's {@link BuildStage}s in order, as debusine's external tasks run:
 * fetch the source → base chroot → buildroot → build-deps → {@code chroot-ready} → build
 * (no network, unprivileged) → results to the artifact store → clean up. Each stage is a
 * short method over the {@link BuildAttempt}, which carries what one stage leaves for the
 * next; each is logged with its duration; every way it can go wrong ends as one
 * {@link BuildFailure}.
 */
public final class BuildPipeline {

    private static final Logger LOG = Logger.getLogger(BuildPipeline.class);
    private static final Set<String> RESULT_SUFFIXES = Set.of(".deb", ".udeb", ".ddeb", ".buildinfo", ".changes");
    /** The largest result file stored (a texlive-full .deb is under 1 GiB); larger fails the build. */
    static final long MAX_RESULT_BYTES = 4L << 30;
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
            int tailLines, Path logsDir, Path downloadsDir, Path aptCache, BuildLimits limits) {

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
    private final ComposeAptRepositories composeAptRepositories;
    private final ScheduledExecutorService watchdog;
    private final BuildDepsLayers layers;

    /** @param layers build-deps layers over the bases ({@link BuildDepsLayers}; 0 per base: none) */
    public BuildPipeline(Settings settings, ArchiveResolver archives, BaseChrootCache bases, BuildrootFactory buildroots,
            SourceFetcher sources, ArtifactStore store, ComposeAptRepositories composeAptRepositories,
            ScheduledExecutorService watchdog, BuildDepsLayers layers) {
        this.layers = layers;
        this.settings = settings;
        this.archives = archives;
        this.bases = bases;
        this.buildroots = buildroots;
        this.sources = sources;
        this.store = store;
        this.composeAptRepositories = composeAptRepositories;
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
        BuildAttempt attempt = new BuildAttempt(request, running,
                new BuildLog(logFile(request.taskId(), request.attempt()), settings.tailLines()),
                settings.downloadsDir().resolve(running.buildrootId().value()));
        long untilDeadline = Math.max(1, Duration.between(Instant.now(), running.deadline()).toMillis());
        ScheduledFuture<?> timer = watchdog.schedule(running::timeOut, untilDeadline, TimeUnit.MILLISECONDS);
        long every = settings.limits().checkInterval().toMillis();
        ScheduledFuture<?> limits = watchdog.scheduleWithFixedDelay(() -> checkLimits(attempt), every, every,
                TimeUnit.MILLISECONDS);
        try {
            runStages(attempt, onReady);
        } catch (BuildFailure e) {
            // a command that failed because the kernel enforced a limit (the OOM killer, fork refused) fails the
            // build naming that limit, even when it ended before the next check
            checkLimits(attempt);
            attempt.failed(e, settings.buildTimeout());
        } catch (RuntimeException e) {
            LOG.errorf(e, "build %s attempt %d: unexpected failure", request.taskId(), request.attempt());
            attempt.failed(new RootError("unexpected: " + e, List.of(), e), settings.buildTimeout());
        } finally {
            limits.cancel(false);
            timer.cancel(false);
            deleteQuietly(attempt.downloads());
        }
        return end(attempt);
    }

    /** Stops the build when its buildroot went past a limit (memory, processes, disk). */
    private void checkLimits(BuildAttempt attempt) {
        try {
            Buildroot root = attempt.root();
            if (root != null && !root.killed()) {
                root.limitReached(settings.limits().diskBytes()).ifPresent(attempt.running()::limitReached);
            }
        } catch (RuntimeException e) {
            LOG.warnf("build %s: cannot check its limits: %s", attempt.request().taskId(), e.getMessage());
        }
    }

    private void runStages(BuildAttempt attempt, Consumer<ChrootInfo> onReady) {
        header(attempt);
        attempt.stopIfAsked();
        attempt.fetched(attempt.stage(BuildStage.FETCH_SOURCE, () -> sources.fetch(attempt.request().source(),
                attempt.downloads(), attempt.log())));
        attempt.stopIfAsked();
        attempt.leased(attempt.stage(BuildStage.BASE_CHROOT,
                () -> bases.acquire(baseKey(attempt.request(), attempt.log()), attempt.log())));
        // looked at once: what apt sees in this build, and whether a build-deps layer may stand for it
        Optional<Path> composeAptRepository = composeAptRepositories.of(attempt.request().composeId());
        attempt.aptSees(composeAptRepository, buildDepsKey(attempt, composeAptRepository));
        Buildroot root = attempt.stage(BuildStage.BUILDROOT, () -> buildroot(attempt));
        // try-with-resources: the buildroot goes whatever a later stage throws, and its removal is a stage too
        try (CleanUp cleanUp = () -> attempt.stage(BuildStage.CLEAN_UP, root::close)) {
            enter(attempt, root);
            attempt.stage(BuildStage.BUILD_DEPS, () -> buildDeps(attempt));
            if (attempt.buildDepsInstalled() && attempt.buildDepsKey().isPresent() && root.layer().isEmpty()) {
                attempt.installedPackages(dpkgQuery(attempt));
                attempt.stage(BuildStage.BUILD_DEPS_LAYER, () -> layers.capture(attempt.lease(),
                        attempt.buildDepsKey().get(), root, attempt.installedPackages().get(), attempt.log()));
            }
            ChrootInfo info = attempt.stage(BuildStage.CHROOT_READY, () -> chrootReady(attempt, onReady));
            attempt.stage(BuildStage.BUILD, () -> build(attempt));
            attempt.stored(attempt.stage(BuildStage.RESULTS, () -> results(attempt)));
            LOG.debugf("build %s attempt %d in buildroot %s done", attempt.request().taskId(),
                    attempt.request().attempt(), info.buildrootId());
        }
    }

    /** The buildroot over the leased base, and over the build's build-deps layer when one is cached. */
    private Buildroot buildroot(BuildAttempt attempt) {
        BaseChrootCache.Lease lease = attempt.lease();
        return buildroots.create(attempt.running().buildrootId(), lease,
                attempt.buildDepsKey().flatMap(k -> layers.acquire(lease, k)), settings.aptCache(),
                attempt.composeAptRepository(), attempt.log());
    }

    /** The clean-up stage as a resource, so try-with-resources runs it. */
    private interface CleanUp extends AutoCloseable {
        @Override
        void close();
    }

    /** The attempt moves into its buildroot: a stop now kills it, and the source is in {@code /build}. */
    private static void enter(BuildAttempt attempt, Buildroot root) {
        attempt.entered(root);
        attempt.running().attach(root);
        moveInto(attempt.downloads(), root.buildDir());
        root.layer().ifPresent(l -> attempt.log().line("build-deps layer " + l.id()
                + " is cached: stacked over the base"));
    }

    /**
     * The build dependencies, the cheapest way that is sure: known from the layer or an
     * earlier build's record, found by {@code dpkg-checkbuilddeps}, or installed by apt.
     */
    private void buildDeps(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        Optional<String> known = knownSatisfied(attempt);
        if (known.isPresent()) {
            attempt.installedPackages(known.get());
            return;
        }
        if (satisfiedByTheChroot(attempt)) {
            // the base's own answer only: over a layer (whose record could not be read) it is the layer's
            if (attempt.buildDepsKey().isPresent() && root.layer().isEmpty()) {
                attempt.installedPackages(dpkgQuery(attempt));
                layers.recordSatisfiedByBase(attempt.lease(), attempt.buildDepsKey().get(),
                        attempt.installedPackages().get());
            }
            return;
        }
        try {
            attempt.installed(installBuildDeps(attempt));
        } finally {
            shareDownloads(root, attempt.log());
        }
    }

    /** What {@code chroot-ready} says, sent (and acknowledged) before the build step. */
    private ChrootInfo chrootReady(BuildAttempt attempt, Consumer<ChrootInfo> onReady) {
        Buildroot root = attempt.root();
        String packages = attempt.installedPackages().isPresent() ? attempt.installedPackages().get()
                : dpkgQuery(attempt);
        ChrootInfo ready = new ChrootInfo(root.id(), attempt.lease().id(), DpkgQuery.parse(packages));
        attempt.log().line(ready.installed().size() + " packages installed in buildroot " + root.id());
        try {
            onReady.accept(ready);
        } catch (RuntimeException e) {
            throw new RootError("chroot-ready was not acknowledged: " + e.getMessage(), List.of(), e);
        }
        return ready;
    }

    /** The log's last lines, the log stored, and the outcome. */
    private BuildOutcome end(BuildAttempt attempt) {
        BuildRequest request = attempt.request();
        BuildLog log = attempt.log();
        long millis = attempt.elapsed().toMillis();
        log.line("");
        log.line("Build took " + millis + " ms");
        // the very last line: the scheduler quotes logTail's last line as the attempt's reason
        attempt.failure().ifPresentOrElse(
                f -> log.line("Status: " + attempt.result().wireName() + " (" + f.getClass().getSimpleName()
                        + ", exit code " + f.exitCode() + "): " + f.getMessage()),
                () -> log.line("Status: successful"));
        List<String> tail = log.tail();
        log.close();
        Optional<ArtifactRef> stored = Optional.empty();
        try {
            stored = Optional.of(store.put(log.file(), ArtifactRef.BUILD_LOG, request.source().name() + "_"
                    + request.source().version() + "_" + request.architecture() + ".build"));
        } catch (IOException e) {
            LOG.warnf("build %s attempt %d: the log could not be stored: %s", request.taskId(), request.attempt(),
                    e.getMessage());
        }
        return attempt.outcome(stored, tail, millis);
    }

    private void header(BuildAttempt attempt) {
        BuildRequest request = attempt.request();
        RunningBuild running = attempt.running();
        BuildLog log = attempt.log();
        log.line("deb-bootc-compose chroot-executor");
        log.line("Task: " + request.taskId() + " attempt " + request.attempt() + " of compose " + request.composeId());
        log.line("Source: " + request.source().name() + " " + request.source().version());
        log.line("Architecture: " + request.architecture() + "  Suite: " + request.suite() + "  Build type: "
                + request.buildType().wireName() + request.buildProfile().map(p -> "  Profile: " + p).orElse(""));
        log.line("Buildroot: " + running.buildrootId() + "  Deadline: " + running.deadline());
        log.line("Isolation: " + (buildroots.mode() == org.debian.bootc.executor.buildroot.IsolationMode.ROOT
                ? "root (the executor runs as root)"
                : "unprivileged (user " + System.getProperty("user.name") + ")")
                + "; buildroots in a user namespace of its subordinate ids; package code in " + buildroots.sandbox());
        log.line("Limits: " + buildroots.limits() + ", log " + Buildroot.LOG_LIMIT_CHARS + " characters, time "
                + settings.buildTimeout().toSeconds() + " s");
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
    private Optional<BuildDepsKey> buildDepsKey(BuildAttempt attempt, Optional<Path> composeAptRepository) {
        BuildRequest request = attempt.request();
        BuildLog log = attempt.log();
        if (!layers.enabled()) {
            return Optional.empty();
        }
        if (composeAptRepository.isPresent() || !request.extraRepositories().isEmpty()) {
            log.line("no build-deps layer: apt also sees " + (composeAptRepository.isPresent()
                    ? "the compose's own repository" : "extra repositories")
                    + ", so its choice is not the base's alone");
            return Optional.empty();
        }
        try {
            BuildDepsKey key = BuildDepsKey.of(attempt.lease().id(), attempt.dsc(), request.buildType().wireName(), request.buildProfile());
            log.line("Build-deps layer key " + key.id() + " of:\n" + key.canonical().strip());
            return Optional.of(key);
        } catch (java.io.UncheckedIOException e) {
            // the .dsc was just fetched and checked; should it be unreadable, the build says so soon enough
            log.line("no build-deps layer: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Installs the .dsc's build dependencies with apt; returns how many .debs it downloaded. */
    private int installBuildDeps(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        BuildRequest request = attempt.request();
        BuildLog log = attempt.log();
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
                    byte[] content = armoured ? key.getBytes(StandardCharsets.UTF_8) : hostKeyring(n, key);
                    writeInto(root, keyring, content, log);
                    options = "signed-by=" + keyring;
                }
                lines.add("deb [" + options + "] " + repo.uri() + " " + repo.suite()
                        + (repo.components().isEmpty() ? "" : " " + String.join(" ", repo.components())));
            }
            if (attempt.composeAptRepository().isPresent()) {
                lines.add("deb [trusted=yes] file:/srv/compose-repo ./");
                writeInto(root, "/etc/apt/preferences.d/bootc-compose",
                        "Package: *\nPin: origin \"\"\nPin-Priority: 990\n".getBytes(StandardCharsets.UTF_8), log);
            }
            if (!lines.isEmpty()) {
                String list = "/etc/apt/sources.list.d/bootc-extra.list";
                writeInto(root, list, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), log);
                lines.forEach(l -> log.line("extra source: " + l));
                // only the extra sources are fetched: the base's lists already match the archive's InRelease
                root.run(ChrootCommand.download(attempt.remaining(), "/", List.of("apt-get", "update", "-o",
                        "Dir::Etc::SourceList=" + list, "-o", "Dir::Etc::SourceParts=/nonexistent", "-o",
                        "APT::Get::List-Cleanup=0")), log);
            }
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
        argv.add("/build/" + attempt.dsc().getFileName());
        // apt fetches with the network while the chroot holds only the base's packages (no maintainer script of
        // this build has run), then installs with none: package code never sees the network
        List<String> download = new ArrayList<>(argv);
        download.add(download.indexOf("build-dep"), "--download-only");
        int debs;
        try {
            debs = downloads(root.run(ChrootCommand.download(attempt.remaining(), "/build", download), log).output());
            log.line(debs + " package(s) downloaded; the rest came from the shared apt cache or local repositories");
        } catch (CommandFailedException e) {
            throw Diagnosis.apt("downloading the build dependencies", e,
                    (m, c) -> new PackageManagerError(m, c.lastLines(), c));
        }
        try {
            root.run(new ChrootCommand(argv, false, false, Map.of(), "/build", attempt.remaining()), log);
            return debs;
        } catch (CommandFailedException e) {
            throw Diagnosis.apt("installing the build dependencies (with no network)", e,
                    (m, c) -> new PackageManagerError(m, c.lastLines(), c));
        }
    }

    /** The largest keyring read from the host. */
    static final long KEYRING_MAX_BYTES = 1 << 20;

    /**
     * The keyring an extra repository names by path: only a regular file (no link) in one of debian's
     * {@link Keyrings#DIRECTORIES}, at most {@link #KEYRING_MAX_BYTES}. A manifest must not be able to
     * copy any file of the executor's host (a token, a key) into the buildroot, where the build reads it.
     */
    static byte[] hostKeyring(int repository, String path) {
        Path file = Path.of(path).normalize();
        String field = "extra repository " + repository + " signed_by '" + path + "'";
        Keyrings.whyNot(path).ifPresent(why -> {
            throw new ConfigError(field + " " + why);
        });
        try {
            // looked at before it is opened: opening a FIFO would wait for a writer
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || a.size() > KEYRING_MAX_BYTES) {
                throw new ConfigError(field + " is not a regular file of at most " + KEYRING_MAX_BYTES + " bytes");
            }
            try (var channel = Files.newByteChannel(file, LinkOption.NOFOLLOW_LINKS)) {
                return Channels.newInputStream(channel).readNBytes((int) KEYRING_MAX_BYTES);
            }
        } catch (IOException e) {
            throw new ConfigError(field + " cannot be read on this executor: " + e.getMessage(), List.of(), e);
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
    private static boolean satisfiedByTheChroot(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        BuildRequest request = attempt.request();
        BuildLog log = attempt.log();
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
                    BuildDepsKey.checkControl(Files.readString(root.buildDir().resolve(attempt.dsc().getFileName()))));
        } catch (IOException e) {
            log.line("cannot write the build relations for dpkg-checkbuilddeps (" + e.getMessage()
                    + "): apt decides");
            return false;
        }
        argv.add("/build/" + control);
        try {
            root.run(new ChrootCommand(argv, false, false, Map.of(), "/build", attempt.remaining()), log);
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
    private Optional<String> knownSatisfied(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        BuildLog log = attempt.log();
        if (root.layer().isPresent()) {
            Optional<String> known = root.layer().get().installed();
            known.ifPresent(k -> log.line("the build-deps layer over the base satisfies every build dependency:"
                    + " nothing to install (it was made from their install)"));
            return known;
        }
        Optional<String> known = attempt.buildDepsKey().flatMap(k -> layers.satisfiedByBase(attempt.lease(), k));
        known.ifPresent(k -> log.line("the base satisfies every build dependency: nothing to install (found by an"
                + " earlier build with the same build relations)"));
        return known;
    }

    /** What dpkg says is installed in the chroot, as {@link DpkgQuery#parse} reads it. */
    private static String dpkgQuery(BuildAttempt attempt) {
        try {
            CommandResult result = attempt.root().run(ChrootCommand.asRoot(attempt.remaining(), "dpkg-query", "-W", "-f",
                    "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n"), line -> {
                    });
            return result.output();
        } catch (CommandFailedException e) {
            throw Diagnosis.root("listing the buildroot's packages", e);
        }
    }

    private static void build(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        try {
            Files.writeString(root.buildDir().resolve(".bootc-build.sh"), BUILD_SCRIPT);
        } catch (IOException e) {
            throw new RootError("cannot write the build script: " + e.getMessage(), List.of(), e);
        }
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "/build/.bootc-build.sh",
                attempt.dsc().getFileName().toString(), "-us", "-uc",
                attempt.request().buildType().dpkgBuildpackageOption()));
        attempt.request().buildProfile().ifPresent(p -> argv.add("--build-profiles=" + p));
        try {
            root.run(new ChrootCommand(argv, false, true, Map.of(), "/build", attempt.remaining()), attempt.log());
        } catch (CommandFailedException e) {
            throw Diagnosis.build("dpkg-buildpackage", e);
        }
    }

    /**
     * The build's results: the regular files it left in {@code /build} with a result suffix.
     * Every process of the build is killed first, so nothing can change or swap a file while it
     * is read. A result that is not a regular file (a symbolic link that names a host file, a
     * device, a FIFO), a hard link, or a file over {@link #MAX_RESULT_BYTES} fails the build
     * naming it, before anything is stored: results are data, never paths.
     */
    private List<ArtifactRef> results(BuildAttempt attempt) {
        Buildroot root = attempt.root();
        BuildRequest request = attempt.request();
        BuildLog log = attempt.log();
        root.kill();
        Set<String> sourceFiles = request.source().files().stream().map(SourceFile::name).collect(Collectors.toSet());
        List<Path> results = new ArrayList<>();
        try (Stream<Path> files = Files.list(root.buildDir())) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                String suffix = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
                if (sourceFiles.contains(name) || !RESULT_SUFFIXES.contains(suffix)) {
                    continue;
                }
                checkResult(file, name);
                results.add(file);
            }
        } catch (IOException e) {
            throw new RootError("cannot list the results: " + e.getMessage(), List.of(), e);
        }
        List<ArtifactRef> refs = new ArrayList<>();
        List<Path> debs = new ArrayList<>();
        try {
            for (Path file : results) {
                String name = file.getFileName().toString();
                String suffix = name.substring(name.lastIndexOf('.'));
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
            composeAptRepositories.add(request.composeId(), debs, log);
        } catch (IOException | CommandFailedException e) {
            log.line("warning: the compose repository was not updated: " + e.getMessage());
        }
        return refs;
    }

    /** Fails the build unless {@code file} is a regular file with one name and at most {@link #MAX_RESULT_BYTES}. */
    static void checkResult(Path file, String name) throws IOException {
        Map<String, Object> a = Files.readAttributes(file, "unix:mode,nlink,size", LinkOption.NOFOLLOW_LINKS);
        int type = (Integer) a.get("mode") & 0170000;
        String what = switch (type) {
            case 0100000 -> null;
            case 0120000 -> "a symbolic link (to " + Files.readSymbolicLink(file) + ")";
            case 0040000 -> "a directory";
            case 0020000, 0060000 -> "a device";
            case 0010000 -> "a FIFO";
            case 0140000 -> "a socket";
            default -> "not a regular file";
        };
        if (what != null) {
            throw new BuildError("result " + name + " is " + what + ": only regular files the build made are"
                    + " results; nothing was stored");
        }
        if ((Integer) a.get("nlink") > 1) {
            throw new BuildError("result " + name + " is a hard link (" + a.get("nlink") + " names): only regular"
                    + " files the build made are results; nothing was stored");
        }
        if ((Long) a.get("size") > MAX_RESULT_BYTES) {
            throw new BuildError("result " + name + " has " + a.get("size") + " bytes, more than the "
                    + MAX_RESULT_BYTES + " a result may have; nothing was stored");
        }
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
}
