package org.debian.bootc.scheduler.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.scheduler.repository.Transactions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;

/**
 * Gauges read from the task table on a schedule ({@code bootc.scheduler.metrics-refresh},
 * 15 s by default), so a scrape never waits for the database: tasks by status and
 * architecture, and the queue depth per architecture (pending tasks plus dispatched
 * attempts no executor has taken yet). Two grouped counts per refresh.
 */
@ApplicationScoped
public class SchedulerMetrics {

    /** Gauge of tasks, tags {@code status} and {@code architecture}. */
    public static final String TASKS = "bootc.scheduler.tasks";
    /** Gauge of the work waiting for an executor, tag {@code architecture}. */
    public static final String QUEUE_DEPTH = "bootc.scheduler.queue.depth";
    private static final List<String> STATUSES = List.of("pending", "blocked", "running", "completed", "aborted");
    private static final Logger LOG = Logger.getLogger(SchedulerMetrics.class);

    private final Transactions transactions;
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> tasks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> queue = new ConcurrentHashMap<>();

    record Count(String status, String architecture, long n) {
    }

    public SchedulerMetrics(Transactions transactions, MeterRegistry registry) {
        this.transactions = transactions;
        this.registry = registry;
    }

    @Scheduled(every = "${bootc.scheduler.metrics-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRefresh() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("task gauges not refreshed, they keep their last values: %s", e.getMessage());
        }
    }

    /** Reads the counts and sets the gauges; an architecture or status no longer counted drops to 0. */
    public void refresh() {
        List<Count> byStatus = transactions.run(sql -> sql.list(
                "select status, architecture, count(*) from task group by status, architecture",
                rs -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3))));
        List<Count> waiting = transactions.run(sql -> sql.list("""
                select t.architecture, count(*) from task t
                left join attempt a on a.task_id = t.task_id and a.attempt = t.current_attempt
                where t.status = 'pending'
                   or (t.status = 'running' and a.dispatched_at is not null and a.executor_id is null
                       and a.ended_at is null)
                group by t.architecture""", rs -> new Count(null, rs.getString(1), rs.getLong(2))));
        tasks.values().forEach(v -> v.set(0));
        queue.values().forEach(v -> v.set(0));
        for (Count c : byStatus) {
            for (String status : STATUSES) {
                taskGauge(status, c.architecture());
            }
            taskGauge(c.status(), c.architecture()).set(c.n());
        }
        for (Count c : waiting) {
            queueGauge(c.architecture()).set(c.n());
        }
    }

    private AtomicLong taskGauge(String status, String architecture) {
        return tasks.computeIfAbsent(status + "/" + architecture, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(TASKS, value, AtomicLong::get)
                    .description("Tasks by status and architecture, as of the last refresh")
                    .tag("status", status).tag("architecture", architecture).register(registry);
            queueGauge(architecture);
            return value;
        });
    }

    private AtomicLong queueGauge(String architecture) {
        return queue.computeIfAbsent(architecture, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(QUEUE_DEPTH, value, AtomicLong::get)
                    .description("Tasks waiting for an executor: pending, or dispatched and not yet taken")
                    .tag("architecture", architecture).register(registry);
            return value;
        });
    }
}
