package org.debian.bootc.scheduler.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the task scheduler. */
@ConfigMapping(prefix = "bootc.scheduler")
public interface SchedulerConfig {

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/task-scheduler")
    String eventSource();

    /** Largest event payload accepted, in bytes; a bigger one goes to the topic's {@code .dlq} unread. */
    @WithDefault("524288")
    int maxPayloadBytes();
}
