package org.debian.bootc.events;

import java.util.List;

/** The outcome of one task of a compose: which source package on which architecture, and what it produced. */
public record PackageResult(TaskId taskId, String source, String version, String architecture, TaskResult result,
        List<ArtifactRef> artifacts) {

    public PackageResult {
        Invariants.required("taskId", taskId);
        Invariants.text("source", source);
        Invariants.text("version", version);
        Invariants.text("architecture", architecture);
        Invariants.required("result", result);
        artifacts = Invariants.list("artifacts", artifacts);
    }
}
