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

    /**
     * Largest {@code compose-built} this scheduler writes, in bytes (JSON, before the
     * producer's zstd compression). It carries every package's result and artifacts, so a
     * compose of thousands of packages needs more than {@code bootc.messaging.max-payload-bytes}.
     * Raise it only together with the consumers' limit (the publisher's
     * {@code bootc.publisher.max-payload-bytes}); unset, it is {@code bootc.messaging.max-payload-bytes}.
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

    /**
     * While PostgreSQL cannot be reached, a consumer keeps its records unacknowledged and
     * tries them again after 200 ms, then twice as long each time, up to this wait. Nothing
     * goes to a dead-letter topic because of an outage.
     */
    @WithDefault("30s")
    Duration databaseRetryMax();
}
