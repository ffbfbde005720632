package org.debian.bootc.scheduler.config;

import java.time.Duration;
import java.util.Optional;

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

    /**
     * Largest {@code compose-built} this scheduler writes, in bytes (JSON, before the
     * producer's zstd compression). It carries every package's result and artifacts, so a
     * compose of thousands of packages needs more than {@code max-payload-bytes}. Raise it
     * only together with the consumers' limit (the publisher's
     * {@code bootc.publisher.max-payload-bytes}); unset, it is {@code max-payload-bytes}.
     * A compose whose hand-off is bigger still is not handed off and says why.
     */
    Optional<Integer> composeBuiltMaxBytes();

    /**
     * How long an attempt's lease lasts from dispatch and from each heartbeat that
     * reports the task running. An attempt whose lease runs out is superseded by a new one.
     */
    @WithDefault("5m")
    Duration lease();

    /**
     * An architecture is served while some executor that builds for it heartbeated
     * within this window; otherwise its tasks stay {@code pending} and say so.
     */
    @WithDefault("60s")
    Duration executorWindow();

    /**
     * Attempts a task gets against infrastructure trouble (result {@code error} or an
     * expired lease) before it completes with {@code error}. Build failures never retry.
     */
    @WithDefault("3")
    int maxAttempts();

    /** Wait before the second attempt after an error; it doubles for each further attempt. */
    @WithDefault("30s")
    Duration retryBackoff();

    /**
     * The bearer token every mutating REST call must carry. Without one configured,
     * every mutating call is refused with 401.
     */
    Optional<String> apiToken();

    /**
     * How often the dispatch pass runs on its own: leases checked, backed-off tasks
     * dispatched. A heartbeat that brings a new architecture runs one at once.
     */
    @WithDefault("1s")
    String dispatchInterval();

    /** How often the outbox relay looks for rows whose wake-up was lost (it is woken after each commit). */
    @WithDefault("1s")
    String outboxPollInterval();

    /**
     * Where an executor writes the log of an attempt while it runs, as a URI template with
     * {@code {task}} and {@code {attempt}}; the dashboard follows it until package-built names
     * the final log. Unset: the log shows once the attempt has ended.
     */
    Optional<String> liveLogLocation();

    /**
     * The directory under which {@code file:} log locations may be read and served; a log
     * elsewhere is linked, never read.
     */
    @WithDefault("/var/lib/deb-bootc-compose")
    String logRoot();

    /**
     * How often the task gauges ({@code bootc_scheduler_tasks}, {@code bootc_scheduler_queue_depth})
     * are read from the database; a scrape reads the last values. A Quarkus scheduler interval.
     */
    @WithDefault("15s")
    String metricsRefresh();

    /** Outbox rows published per relay pass. */
    @WithDefault("200")
    int outboxBatchSize();

    /** How long one relay pass waits for the broker to acknowledge its records. */
    @WithDefault("30s")
    Duration outboxSendTimeout();

    /**
     * Fault injection for crash tests only: {@code halt-before-publish} kills the process
     * (exit 86) after it has read committed outbox rows and before it sends them, the
     * crash window the outbox exists for. Never set in production.
     */
    @WithDefault("none")
    String faultPoint();

    /**
     * While PostgreSQL cannot be reached, a consumer keeps its records unacknowledged and
     * tries them again after 200 ms, then twice as long each time, up to this wait. Nothing
     * goes to a dead-letter topic because of an outage.
     */
    @WithDefault("30s")
    Duration databaseRetryMax();

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
     * one row per executor every few seconds is the bulk of the table.
     */
    @WithDefault("1h")
    Duration heartbeatRetention();

    /** How often rows past their retention are deleted. A Quarkus scheduler interval. */
    @WithDefault("1h")
    String processedEventPruneInterval();
}
