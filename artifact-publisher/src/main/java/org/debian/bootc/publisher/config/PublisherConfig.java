package org.debian.bootc.publisher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the artifact publisher. */
@ConfigMapping(prefix = "bootc.publisher")
public interface PublisherConfig {

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/artifact-publisher")
    String eventSource();

    /** Largest event payload accepted, in bytes; a bigger one goes to the topic's {@code .dlq} unread. */
    @WithDefault("524288")
    int maxPayloadBytes();
}
