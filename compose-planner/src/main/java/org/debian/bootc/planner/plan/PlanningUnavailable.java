package org.debian.bootc.planner.plan;

/**
 * Planning failed for a reason that is not the manifest's: the archive could not be
 * reached or read, or a tool failed. The request is retried, never rejected for it.
 */
public final class PlanningUnavailable extends RuntimeException {

    public PlanningUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
