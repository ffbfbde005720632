package org.debian.bootc.planner.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How this service reads events and relays its outbox. */
@ConfigMapping(prefix = "bootc.messaging")
public interface MessagingConfig {

    /**
     * Largest event payload accepted, in bytes; a bigger one goes to the topic's
     * {@code .dlq} unread. Below Kafka's default 1 MiB record limit so the check can fire.
     */
    @WithDefault("524288")
    int maxPayloadBytes();

    /** Outbox rows published per relay pass. */
    @WithDefault("200")
    int outboxBatchSize();

    /** How long one relay pass waits for the broker to acknowledge its records. */
    @WithDefault("30s")
    Duration outboxSendTimeout();

    /**
     * Fault injection for crash tests only: {@code halt-before-publish} kills the
     * process (exit 86) after it has read committed outbox rows and before it sends
     * them, which is the crash window the outbox exists for. Never set in production.
     */
    @WithDefault("none")
    String faultPoint();
}
