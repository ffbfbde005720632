package org.debian.bootc.executor.service;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.executor.limits.BuildLimits;

import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.config.ExecutorConfig;

import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Runs build tasks: one {@link BuildPipeline} over this executor's
 * {@link Workspace}. At start-up (before the first task is read) it removes what
 * the builds of a dead process left; every so often it trims the base cache.
 */
@ApplicationScoped
@Startup
public class BuildService {

    private static final Logger LOG = Logger.getLogger(BuildService.class);

    private final Workspace workspace;
    private final RunningBuilds running;
    private final ExecutorConfig config;

    public BuildService(ExecutorConfig config, ExecutorId executorId, RunningBuilds running) {
        this.config = config;
        this.running = running;
        this.workspace = new Workspace(new Workspace.Options(config.stateDir(), executorId.value(),
                config.architecture(), config.archive(), config.baseExtraPackages(), config.builderUid(),
                config.buildTimeout(), config.mmdebstrapTimeout(), config.cacheMaxAge(), config.cacheMaxBytes(),
                config.logTailLines(), config.buildDepsLayersPerBase(),
                new BuildLimits(config.buildMemoryLimit().asLongValue(), config.buildProcessLimit(),
                        config.buildDiskLimit().asLongValue(), config.limitCheckInterval())));
        workspace.removeLeftovers();
        LOG.infof("executor %s builds %s in %s (%d slot(s))", executorId.value(), config.architecture(),
                config.stateDir().toAbsolutePath(), config.slots());
    }

    public Workspace workspace() {
        return workspace;
    }

    /** The live (or finished) log of an attempt on this executor. */
    public Path logFile(TaskId taskId, int attempt) {
        return workspace.pipeline().logFile(taskId, attempt);
    }

    public boolean isRunning(TaskId taskId, int attempt) {
        return running.find(taskId, attempt).isPresent();
    }

    /**
     * Builds one task attempt to its end.
     *
     * @param onEnd reports the outcome ({@code package-built}); the attempt counts as running here until it
     *        returned, so a shutdown waits for the report, not only for the build
     * @return empty when this executor already runs that attempt (the task was delivered twice)
     */
    public Optional<BuildOutcome> build(BuildTaskDispatched task, Consumer<ChrootInfo> onReady,
            Consumer<BuildOutcome> onEnd) {
        RunningBuild build = new RunningBuild(task.taskId(), task.attempt(), BuildrootId.random(),
                Instant.now().plus(config.buildTimeout()));
        if (!running.start(build)) {
            LOG.infof("task %s attempt %d already runs here; the second delivery is dropped", task.taskId(),
                    task.attempt());
            return Optional.empty();
        }
        try {
            BuildOutcome outcome = workspace.pipeline().run(request(task), build, onReady);
            onEnd.accept(outcome);
            return Optional.of(outcome);
        } finally {
            running.finish(build);
        }
    }

    static BuildRequest request(BuildTaskDispatched task) {
        List<ExtraRepository> extra = task.extraRepositories().stream()
                .map(r -> new ExtraRepository(r.uri(), r.suite(), r.components(), Optional.of(r.signedBy())))
                .toList();
        return new BuildRequest(task.taskId(), task.attempt(), task.composeId(), task.source(), task.architecture(),
                task.suite(), Optional.of(task.archive()), Optional.of(task.inReleaseSha256()), task.buildType(),
                Optional.ofNullable(task.buildProfile()), extra);
    }

    @Scheduled(every = "${bootc.executor.cache-eviction-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void evict() {
        List<String> evicted = workspace.bases().evict();
        if (!evicted.isEmpty()) {
            LOG.infof("evicted %d base chroot(s): %s", evicted.size(), evicted);
        }
    }
}
