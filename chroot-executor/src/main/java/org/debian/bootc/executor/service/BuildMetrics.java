package org.debian.bootc.executor.service;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The executor's meters (docs/observability.md). */
@ApplicationScoped
public class BuildMetrics {

    /** Timer of a whole attempt, fetch to clean-up; tags {@code architecture}, {@code result}. */
    public static final String BUILD = "bootc.executor.build";
    /** Timer from taking a task to its chroot being ready (chroot-ready sent); tag {@code architecture}. */
    public static final String CHROOT_READY = "bootc.executor.chroot.ready";
    /** Gauge of attempts building on this executor now. */
    public static final String RUNNING = "bootc.executor.builds.running";
    /** Counter of base chroots taken from the cache ({@code result=hit}) or made ({@code result=miss}). */
    public static final String BASE_CACHE = "bootc.executor.base.cache";
    /**
     * Timer of one stage of an attempt; tags {@code architecture}, {@code stage} ({@link BuildStage#label()},
     * as the build log names it). A failed stage is timed too: its duration is what the attempt spent on it.
     */
    public static final String STAGE = "bootc.executor.stage";

    private final MeterRegistry registry;

    public BuildMetrics(MeterRegistry registry, RunningBuilds running) {
        this.registry = registry;
        Gauge.builder(RUNNING, running, r -> r.taskIds().size())
                .description("Build attempts running on this executor").register(registry);
    }

    public void chrootReady(String architecture, Duration elapsed) {
        Timer.builder(CHROOT_READY).description("From taking a build task to its chroot being ready")
                .tag("architecture", architecture).register(registry).record(elapsed);
    }

    /** Records how long each stage of an attempt took ({@link BuildOutcome#stageDurations()}). */
    public void stages(String architecture, Map<BuildStage, Duration> durations) {
        durations.forEach((stage, took) -> Timer.builder(STAGE)
                .description("One stage of a build attempt, as the build log names it")
                .tag("architecture", architecture).tag("stage", stage.label()).register(registry).record(took));
    }

    /**
     * @param baseMade whether the attempt made its base chroot; counted only when the
     *        chroot became ready (an attempt that failed earlier never reached the cache)
     */
    public void built(String architecture, String result, Duration elapsed, boolean chrootReady, boolean baseMade) {
        Timer.builder(BUILD).description("A build attempt, from fetching the sources to cleaning up")
                .tag("architecture", architecture).tag("result", result).register(registry).record(elapsed);
        if (chrootReady) {
            registry.counter(BASE_CACHE, "result", baseMade ? "miss" : "hit").increment();
        }
    }
}
