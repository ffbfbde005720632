package org.debian.bootc.executor.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of a chroot executor. */
@ConfigMapping(prefix = "bootc.executor")
public interface ExecutorConfig {

    /** The Debian architecture this executor builds for; it reads {@code build-tasks.<architecture>}. */
    @WithDefault("amd64")
    String architecture();

    /** This executor's id in heartbeats and results; defaults to the host name. */
    Optional<String> id();

    /** Builds run side by side (default 1 on 2 cores). */
    @WithDefault("1")
    int slots();

    /** How often this executor says it is alive on {@code executor-heartbeat}. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/chroot-executor")
    String eventSource();

    /** Largest event payload accepted, in bytes; a bigger one goes to the topic's {@code .dlq} unread. */
    @WithDefault("524288")
    int maxPayloadBytes();
}
