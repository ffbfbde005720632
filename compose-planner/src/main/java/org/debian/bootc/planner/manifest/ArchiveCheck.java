package org.debian.bootc.planner.manifest;

import java.util.List;

import org.debian.bootc.events.Violation;

/**
 * A check of a manifest against the Debian archive: an unknown package or version,
 * an unsatisfiable dependency, a build-dependency cycle, a bad checksum.
 * {@link ManifestValidator} runs these after the schema and the semantic checks
 * have passed, so a check may rely on a well-formed {@link Manifest}.
 */
@FunctionalInterface
public interface ArchiveCheck {

    /**
     * Every violation of this check in {@code manifest}, each with the JSON Pointer
     * of the member at fault (e.g. {@code /packages/3}), its value as JSON text and
     * a reason; empty when the manifest passes.
     *
     * <p>A failure to reach or read the archive is not the manifest's fault: throw
     * instead of returning a violation, so the request is retried rather than rejected.
     */
    List<Violation> check(Manifest manifest);
}
