package org.debian.bootc.executor.service;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.executor.config.ExecutorConfig;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;

/**
 * What the executor does on SIGTERM, before Quarkus closes the Kafka clients and the
 * {@code builds} worker pool (a {@link ShutdownEvent} observer runs before the CDI
 * container is torn down): as sbuild or a Koji builder stopped mid-build, it takes
 * no new build, kills every running build's PID namespace at once, lets each build
 * remove its buildroot and report {@code package-built} result {@code error}
 * ({@code Interrupted}, exit code 61), so the scheduler dispatches the task again
 * without waiting for the lease to run out, and stops within
 * {@code bootc.executor.shutdown-grace} (plus a few seconds when it has to kill what
 * did not end in time).
 */
@ApplicationScoped
@Startup
public class ExecutorShutdown {

    private static final Logger LOG = Logger.getLogger(ExecutorShutdown.class);
    /** How long a program gets between SIGTERM and SIGKILL. */
    static final Duration PATIENCE = Duration.ofSeconds(5);
    /** After everything was killed, how long the builds get to report. */
    static final Duration LAST_WAIT = Duration.ofSeconds(10);

    /**
     * How one shutdown went.
     *
     * @param interrupted the attempts that were running when it began
     * @param unfinished the attempts still not ended (nor reported) when it gave up
     * @param took from the first kill to the last report
     */
    public record Report(List<RunningBuild> interrupted, List<RunningBuild> unfinished, Duration took) {
    }

    private final RunningBuilds running;
    private final BuildService builds;
    private final ExecutorId executorId;
    private final Duration grace;
    private Report report;

    public ExecutorShutdown(RunningBuilds running, BuildService builds, ExecutorId executorId, ExecutorConfig config) {
        this.running = running;
        this.builds = builds;
        this.executorId = executorId;
        this.grace = checkGrace(config.shutdownGrace());
    }

    /** The grace a shutdown gives its builds; a clear error for one that cannot work. */
    static Duration checkGrace(Duration grace) {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("bootc.executor.shutdown-grace must be positive, was " + grace
                    + ": interrupted builds need time to remove their buildroots and report");
        }
        if (grace.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("bootc.executor.shutdown-grace must be at most 10m, was " + grace
                    + ": a shutdown that waits longer is killed first (Kubernetes' terminationGracePeriodSeconds)");
        }
        return grace;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stop();
    }

    /**
     * Stops every build and waits for their reports (once; a second call returns the first's report).
     * Safe from any thread.
     */
    public synchronized Report stop() {
        if (report != null) {
            return report;
        }
        long started = System.nanoTime();
        List<RunningBuild> interrupted = running.interruptAll("executor " + executorId.value()
                + " is shutting down; the build was stopped and its buildroot removed", "executor "
                + executorId.value() + " was shutting down when the attempt arrived; it did not start");
        int bases = builds.workspace().stopBaseCreations(PATIENCE);
        LOG.infof("shutting down: %d build(s) interrupted%s; waiting up to %d s for them to clean up and report",
                interrupted.size(), bases == 0 ? "" : ", " + bases + " base creation(s) stopped", grace.toSeconds());
        List<RunningBuild> left;
        try {
            left = running.awaitNone(grace);
            if (!left.isEmpty()) {
                int killed = builds.workspace().stopAllPrograms(PATIENCE);
                LOG.warnf("shutting down: %d build(s) still running after %d s (%s); %d program(s) killed",
                        left.size(), grace.toSeconds(), describe(left), killed);
                left = running.awaitNone(LAST_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = running.all();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (left.isEmpty()) {
            LOG.infof("shutting down: every interrupted build reported, in %d ms", took.toMillis());
        } else {
            LOG.warnf("shutting down: %s did not report; the scheduler runs them again when their lease runs out",
                    describe(left));
        }
        report = new Report(interrupted, left, took);
        return report;
    }

    private static String describe(List<RunningBuild> builds) {
        return String.join(", ", builds.stream().map(b -> b.taskId().value() + " attempt " + b.attempt()).toList());
    }
}
