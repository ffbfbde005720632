package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class BuildMetricsTest {

    @Test
    void eachStageOfAnAttemptIsTimedUnderTheNameTheBuildLogGivesIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BuildMetrics metrics = new BuildMetrics(registry, new RunningBuilds());
        metrics.stages("amd64", Map.of(BuildStage.BUILD_DEPS, Duration.ofSeconds(2), BuildStage.BUILD,
                Duration.ofSeconds(70)));
        metrics.stages("amd64", Map.of(BuildStage.BUILD, Duration.ofSeconds(72)));
        var build = registry.get(BuildMetrics.STAGE).tag("architecture", "amd64").tag("stage", "build").timer();
        assertEquals(2, build.count());
        assertEquals(142, build.totalTime(TimeUnit.SECONDS), 0.001);
        assertEquals(1, registry.get(BuildMetrics.STAGE).tag("stage", "build-deps").timer().count());
    }
}
