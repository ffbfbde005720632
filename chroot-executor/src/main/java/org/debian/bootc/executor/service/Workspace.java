package org.debian.bootc.executor.service;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.executor.archive.ArchiveResolver;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.executor.artifact.ComposeAptRepositories;
import org.debian.bootc.executor.artifact.LocalArtifactStore;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BuildDepsLayers;
import org.debian.bootc.executor.buildroot.BuildrootFactory;
import org.debian.bootc.executor.buildroot.IsolationMode;
import org.debian.bootc.executor.buildroot.UserNamespace;
import org.debian.bootc.executor.limits.BuildLimits;
import org.debian.bootc.executor.limits.Cgroups;
import org.debian.bootc.executor.buildroot.Mmdebstrap;
import org.debian.bootc.executor.buildroot.TreeRemover;
import org.debian.bootc.executor.source.SourceFetcher;

/**
 * The executor's state directory and the parts that live in it:
 * <pre>
 * bases/                      cached base chroots (shared by executors on one machine)
 * bases/&lt;base&gt;/layers/        build-deps layers over that base
 * apt-archives/               the apt package cache every buildroot shares
 * artifacts/sha256/           the local artifact store
 * compose-repos/&lt;compose&gt;/    flat apt repositories of each compose's built packages
 * buildroots/&lt;executor id&gt;/   this executor's buildroots (removed at start-up)
 * downloads/&lt;executor id&gt;/    sources fetched before their buildroot exists
 * logs/&lt;task&gt;/&lt;attempt&gt;.log  live build logs
 * </pre>
 */
public final class Workspace {

    /**
     * @param archive the configured archive root, used when a task names none
     * @param builderUid uid and gid of the unprivileged account the build step runs as
     * @param cacheMaxAge bases unused for longer are evicted
     * @param cacheMaxBytes the base cache is trimmed (least recently used first) to this size
     * @param buildDepsLayersPerBase build-deps layers kept per base ({@link BuildDepsLayers}); 0: none
     * @param limits what one build may use
     */
    public record Options(Path stateDir, String executorId, String architecture, Optional<URI> archive,
            List<String> baseExtraPackages, int builderUid, Duration buildTimeout, Duration mmdebstrapTimeout,
            Duration cacheMaxAge, long cacheMaxBytes, int tailLines, int buildDepsLayersPerBase, BuildLimits limits) {

        public Options {
            baseExtraPackages = List.copyOf(baseExtraPackages);
        }

        /** With the {@link BuildLimits#DEFAULTS default limits}. */
        public Options(Path stateDir, String executorId, String architecture, Optional<URI> archive,
                List<String> baseExtraPackages, int builderUid, Duration buildTimeout, Duration mmdebstrapTimeout,
                Duration cacheMaxAge, long cacheMaxBytes, int tailLines, int buildDepsLayersPerBase) {
            this(stateDir, executorId, architecture, archive, baseExtraPackages, builderUid, buildTimeout,
                    mmdebstrapTimeout, cacheMaxAge, cacheMaxBytes, tailLines, buildDepsLayersPerBase,
                    BuildLimits.DEFAULTS);
        }
    }

    private final Options options;
    private final ProcessRunner runner = new ProcessRunner();
    /** mmdebstrap alone, so a shutdown can stop base creations at once without cutting short a clean-up. */
    private final ProcessRunner baseRunner = new ProcessRunner();
    private final BaseChrootCache bases;
    private final BuildDepsLayers layers;
    private final BuildrootFactory buildroots;
    private final LocalArtifactStore store;
    private final BuildPipeline pipeline;
    private final ScheduledExecutorService watchdog;

    public Workspace(Options options) {
        this.options = options;
        Path state = options.stateDir().toAbsolutePath();
        IsolationMode mode = IsolationMode.ofThisProcess();
        this.bases = new BaseChrootCache(state.resolve("bases"),
                new Mmdebstrap(baseRunner, mode, options.builderUid(), options.mmdebstrapTimeout()),
                options.cacheMaxAge(), options.cacheMaxBytes(), Clock.systemUTC(),
                TreeRemover.of(mode, runner, options.builderUid()));
        this.layers = new BuildDepsLayers(options.buildDepsLayersPerBase(),
                TreeRemover.of(mode, runner, options.builderUid()), Clock.systemUTC());
        this.buildroots = new BuildrootFactory(state.resolve("buildroots").resolve(options.executorId()), runner,
                options.builderUid(), Duration.ofMinutes(2), mode,
                mode == IsolationMode.ROOT ? Optional.of(Cgroups.detect()) : Optional.empty(), options.limits());
        this.store = new LocalArtifactStore(state.resolve("artifacts"));
        Fetcher downloader = new Fetcher(Fetcher.Limits.DEFAULTS);
        Path downloads = state.resolve("downloads").resolve(options.executorId());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "build-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.pipeline = new BuildPipeline(
                new BuildPipeline.Settings(options.architecture(), options.baseExtraPackages(),
                        Mmdebstrap.RECIPE + "-uid" + options.builderUid() + "-ids"
                                + UserNamespace.ofThisProcess(options.builderUid()).subuidStart(), options.buildTimeout(), options.tailLines(),
                        state.resolve("logs"), downloads, state.resolve("apt-archives"), options.limits()),
                new ArchiveResolver(options.archive(), AptSources.ofMachine(), downloader, downloads),
                bases, buildroots, new SourceFetcher(downloader), store,
                new ComposeAptRepositories(state.resolve("compose-repos"), runner), watchdog, layers);
    }

    public Options options() {
        return options;
    }

    public BaseChrootCache bases() {
        return bases;
    }

    public BuildDepsLayers layers() {
        return layers;
    }

    public BuildrootFactory buildroots() {
        return buildroots;
    }

    public LocalArtifactStore store() {
        return store;
    }

    public BuildPipeline pipeline() {
        return pipeline;
    }

    public ProcessRunner runner() {
        return runner;
    }

    /**
     * Stops the base creations (mmdebstrap) under way: SIGTERM, so mmdebstrap removes its own
     * mounts, then SIGKILL after {@code patience}. Their builds end with a failure.
     *
     * @return how many were running
     */
    public int stopBaseCreations(Duration patience) {
        return baseRunner.terminateAll(patience);
    }

    /**
     * Stops every program a build started that still runs, clean-ups too (the last step
     * of a shutdown whose builds did not end in time): SIGTERM, then SIGKILL after
     * {@code patience}. What is left on disk the next start removes.
     *
     * @return how many were running
     */
    public int stopAllPrograms(Duration patience) {
        return baseRunner.terminateAll(patience) + runner.terminateAll(patience);
    }

    /** Removes what dead builds and interrupted base creations left. Call before the first build. */
    public void removeLeftovers() {
        buildroots.removeLeftovers();
        bases.removeLeftovers();
        layers.removeLeftovers(bases.dir(), Duration.ofHours(6));
    }
}
