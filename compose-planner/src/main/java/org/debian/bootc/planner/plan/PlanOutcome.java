package org.debian.bootc.planner.plan;

import java.util.List;
import java.util.Set;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.archive.PackageSet;
import org.debian.bootc.planner.buildorder.BuildOrder;
import org.debian.bootc.planner.buildorder.BuildPlan;
import org.debian.bootc.planner.buildorder.SourceRecord;

/** What {@link ComposePlanning} made of a manifest: a plan, or every reason the archive refuses it. */
public sealed interface PlanOutcome {

    /** The archive refuses the manifest; pointers are relative to the manifest. */
    record Refused(List<Violation> violations) implements PlanOutcome {
        public Refused {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a refusal names at least one violation");
            }
        }
    }

    /**
     * The package set resolved by apt and the rebuild set read from the archive.
     * The build order is made again for the compose id the compose finally gets
     * (task ids carry it): ordering is pure and takes milliseconds.
     */
    record Planned(PackageSet packageSet, List<SourceRecord> rebuildSet, List<String> architectures,
            Set<String> profiles) implements PlanOutcome {

        public Planned {
            rebuildSet = List.copyOf(rebuildSet);
            architectures = List.copyOf(architectures);
            profiles = Set.copyOf(profiles);
        }

        public BuildPlan buildPlan(ComposeId composeId) {
            return BuildOrder.plan(rebuildSet, architectures, profiles, packageSet.inReleaseSha256(), composeId,
                    packageSet.suite());
        }
    }
}
