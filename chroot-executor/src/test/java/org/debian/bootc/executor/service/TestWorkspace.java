package org.debian.bootc.executor.service;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.limits.BuildLimits;

/**
 * The state directory the executor's ITs share ({@code target/it-state}): the base
 * chroot is made once per {@code mvn clean} and every IT builds on it.
 */
public final class TestWorkspace {

    public static final Path STATE = Path.of("target/it-state").toAbsolutePath();

    private TestWorkspace() {
    }

    public static Workspace create(String executorId, Duration buildTimeout) {
        return new Workspace(new Workspace.Options(STATE, executorId, "amd64", Optional.empty(), List.of("fakeroot"),
                2000, buildTimeout, Duration.ofMinutes(20), Duration.ofDays(30), Long.MAX_VALUE, 30,
                8));
    }

    /** As {@link #create(String, Duration)}, each build limited as {@code limits} says. */
    public static Workspace create(String executorId, Duration buildTimeout, BuildLimits limits) {
        return new Workspace(new Workspace.Options(STATE, executorId, "amd64", Optional.empty(), List.of("fakeroot"),
                2000, buildTimeout, Duration.ofMinutes(20), Duration.ofDays(30), Long.MAX_VALUE, 30, 8, limits));
    }

    public static BuildRequest request(SourcePackage source, String suite) {
        return request(source, suite, "it");
    }

    /** A task of its own compose {@code <name>-1-20261125.t.0}. */
    public static BuildRequest request(SourcePackage source, String suite, String composeName) {
        ComposeId compose = ComposeId.of(composeName, "1", LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
        return new BuildRequest(new TaskId(compose.value() + ":" + source.name() + ":amd64:" + UUID.randomUUID()), 1,
                compose, source, "amd64", suite, Optional.empty(), Optional.empty(), BuildType.ANY, Optional.empty(),
                List.of());
    }

    public static RunningBuild running(BuildRequest request, Duration timeout) {
        return new RunningBuild(request.taskId(), request.attempt(), BuildrootId.random(), Instant.now().plus(timeout));
    }
}
