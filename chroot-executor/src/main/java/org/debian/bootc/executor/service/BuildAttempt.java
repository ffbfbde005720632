package org.debian.bootc.executor.service;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BuildDepsKey;
import org.debian.bootc.executor.buildroot.Buildroot;
import org.debian.bootc.executor.failure.BuildError;
import org.debian.bootc.executor.failure.BuildFailure;
import org.debian.bootc.executor.failure.BuildTimeout;
import org.debian.bootc.executor.failure.Cancelled;
import org.debian.bootc.executor.failure.Interrupted;

/**
 * What one build attempt carries from stage to stage (osbuild's {@code BuildRoot} and
 * debusine's external task keep theirs on the task object the same way): the request,
 * its live log, what each {@link BuildStage} found or made for the next, and how long
 * each took. {@link BuildPipeline} runs the stages over it; {@link #outcome} is how it ended.
 * One attempt, one thread: the only field another thread reads is the {@link RunningBuild}.
 */
final class BuildAttempt {

    private final BuildRequest request;
    private final RunningBuild running;
    private final BuildLog log;
    private final Path downloads;
    private final long started = System.nanoTime();
    private final Map<BuildStage, Duration> stageDurations = new EnumMap<>(BuildStage.class);
    private final List<ArtifactRef> artifacts = new ArrayList<>();

    private Path dsc;
    private BaseChrootCache.Lease lease;
    /** What apt sees besides the archive: looked at once, since it decides the build-deps layer too. */
    private Optional<Path> composeAptRepository = Optional.empty();
    private Optional<BuildDepsKey> buildDepsKey = Optional.empty();
    private volatile Buildroot root;
    private boolean buildDepsInstalled;
    /** dpkg-query's answer once known (the base and any layer never change, so it may be recorded). */
    private String installedPackages;
    private int debsDownloaded;
    private Optional<BuildFailure> failure = Optional.empty();

    /**
     * @param downloads where the sources are fetched before the buildroot exists; removed at the end
     */
    BuildAttempt(BuildRequest request, RunningBuild running, BuildLog log, Path downloads) {
        this.request = request;
        this.running = running;
        this.log = log;
        this.downloads = downloads;
    }

    BuildRequest request() {
        return request;
    }

    RunningBuild running() {
        return running;
    }

    BuildLog log() {
        return log;
    }

    Path downloads() {
        return downloads;
    }

    /**
     * Runs one stage between its banner and its duration in the log; the duration is kept
     * (for the stage timer) whether the stage ends or throws.
     */
    <T> T stage(BuildStage stage, Supplier<T> work) {
        log.stage(stage.label());
        long begun = System.nanoTime();
        try {
            return work.get();
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - begun);
            stageDurations.merge(stage, took, Duration::plus);
            log.stageDone(stage.label(), took);
        }
    }

    void stage(BuildStage stage, Runnable work) {
        stage(stage, () -> {
            work.run();
            return null;
        });
    }

    /** Throws the failure a cancellation, a shutdown or the deadline asks for, between stages. */
    void stopIfAsked() {
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

    /** What is left until the deadline, at least a second, as the timeout of the next command. */
    Duration remaining() {
        Duration left = Duration.between(Instant.now(), running.deadline());
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    Path dsc() {
        return dsc;
    }

    void fetched(Path dsc) {
        this.dsc = dsc;
    }

    BaseChrootCache.Lease lease() {
        return lease;
    }

    void leased(BaseChrootCache.Lease lease) {
        this.lease = lease;
    }

    /** Whether this attempt had to make its base chroot. */
    boolean baseMade() {
        return lease != null && lease.made();
    }

    Optional<Path> composeAptRepository() {
        return composeAptRepository;
    }

    Optional<BuildDepsKey> buildDepsKey() {
        return buildDepsKey;
    }

    /** What apt will see besides the archive, and the build-deps layer key that follows from it. */
    void aptSees(Optional<Path> composeAptRepository, Optional<BuildDepsKey> buildDepsKey) {
        this.composeAptRepository = composeAptRepository;
        this.buildDepsKey = buildDepsKey;
    }

    Buildroot root() {
        return root;
    }

    void entered(Buildroot root) {
        this.root = root;
    }

    boolean buildDepsInstalled() {
        return buildDepsInstalled;
    }

    /** apt installed the build-deps and downloaded {@code debs} of them. */
    void installed(int debs) {
        this.buildDepsInstalled = true;
        this.debsDownloaded = debs;
    }

    Optional<String> installedPackages() {
        return Optional.ofNullable(installedPackages);
    }

    void installedPackages(String dpkgQuery) {
        this.installedPackages = dpkgQuery;
    }

    void stored(List<ArtifactRef> refs) {
        artifacts.addAll(refs);
    }

    Optional<BuildFailure> failure() {
        return failure;
    }

    /**
     * The attempt failed. A failure caused by a cancellation, a shutdown or the deadline
     * (the killed namespace makes the running tool fail) is reported as that cause, with
     * the tool's last lines.
     *
     * @param buildTimeout the limit quoted when the deadline was the cause
     */
    void failed(BuildFailure cause, Duration buildTimeout) {
        BuildFailure f = cause;
        if (running.cancelReason().isPresent()) {
            f = new Cancelled("cancelled: " + running.cancelReason().get(), cause.lastLines(), cause);
        } else if (running.interruptReason().isPresent()) {
            f = new Interrupted("interrupted: " + running.interruptReason().get(), cause.lastLines(), cause);
        } else if (running.limitReason().isPresent()) {
            f = new BuildError(running.limitReason().get() + "; the build was killed", cause.lastLines(), cause);
        } else if (running.timedOut()) {
            f = new BuildTimeout("the build ran past its limit of " + buildTimeout.toSeconds() + " s and was killed",
                    cause.lastLines(), cause);
        }
        failure = Optional.of(f);
    }

    BuildResult result() {
        return failure.map(BuildFailure::result).orElse(BuildResult.SUCCESS);
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Each stage that ran and how long it took, in stage order. */
    Map<BuildStage, Duration> stageDurations() {
        return Collections.unmodifiableMap(stageDurations);
    }

    /**
     * How the attempt ended: a failed attempt reports only its log, never results a
     * half-finished stage stored.
     *
     * @param storedLog the log as stored in the artifact store; empty when it could not be
     */
    BuildOutcome outcome(Optional<ArtifactRef> storedLog, List<String> logTail, long millis) {
        List<ArtifactRef> reported = new ArrayList<>(result() == BuildResult.SUCCESS ? artifacts : List.of());
        storedLog.ifPresent(reported::add);
        return new BuildOutcome(running.buildrootId(), result(), reported, storedLog.map(ArtifactRef::location),
                logTail, millis, failure, debsDownloaded, baseMade(), stageDurations);
    }
}
