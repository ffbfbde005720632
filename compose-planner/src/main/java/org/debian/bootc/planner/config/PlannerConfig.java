package org.debian.bootc.planner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the compose planner. */
@ConfigMapping(prefix = "bootc.planner")
public interface PlannerConfig {

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/compose-planner")
    String eventSource();
}
