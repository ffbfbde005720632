package org.debian.bootc.scheduler;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;

/**
 * What a task is, as package-build-queued announced it: one source package
 * ({@code sourcePackage}, its JSON) built for one architecture in one compose, from which
 * archive, of which type and profile, with which content key. It never changes; only the
 * {@link TaskState} does. What a task waits for is kept with its edges
 * ({@code TaskRepository.dependencies}), not here.
 */
public record TaskSpec(TaskId taskId, ComposeId composeId, String source, String version, String architecture,
        String suite, String archive, String inReleaseSha256, String buildType, String buildProfile,
        String sourcePackage, String contentKey) {
}
