package org.debian.bootc.messaging;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How a service encodes events, relays its outbox and keeps its inbox (the same keys in every service). */
@ConfigMapping(prefix = "bootc.messaging")
public interface MessagingConfig {

    /**
     * {@code enabled} in a service with the {@code outbox} and {@code processed_event} tables
     * (the planner, the scheduler): the {@link OutboxRelay} and the {@link InboxRetention}
     * beans exist only then. Read at build time; a service without a database leaves it unset.
     */
    @WithDefault("disabled")
    String outbox();

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
     * How often the outbox relay looks for rows whose wake-up was lost (it is woken after
     * each commit). A Quarkus scheduler interval; read by the relay's {@code @Scheduled}.
     */
    @WithDefault("1s")
    String outboxPollInterval();

    /**
     * Fault injection for crash tests only: {@code halt-before-publish} kills the
     * process (exit 86) after it has read committed outbox rows and before it sends
     * them, which is the crash window the outbox exists for. Never set in production.
     */
    @WithDefault("none")
    String faultPoint();

    /**
     * How long a processed input's event id is kept for dedupe ({@code processed_event});
     * older rows are deleted. Kafka redelivers only what was not yet committed, so this
     * only needs to outlast a replay from a dead-letter topic or a reset of offsets.
     */
    @WithDefault("7d")
    Duration processedEventRetention();

    /**
     * How long the event ids of executor heartbeats are kept. Dedupe matters for them only
     * while Kafka could redeliver an uncommitted one (seconds after a crash or rebalance);
     * one row per executor every few seconds is the bulk of the scheduler's table.
     */
    @WithDefault("1h")
    Duration heartbeatRetention();

    /** How often inbox rows past their retention are deleted. A Quarkus scheduler interval. */
    @WithDefault("1h")
    String processedEventPruneInterval();
}
