package org.debian.bootc.scheduler.service;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.debian.bootc.events.TaskId;
import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.repository.AttemptRepository;
import org.debian.bootc.scheduler.repository.AttemptRepository.Expired;
import org.debian.bootc.scheduler.repository.ExecutorRepository;
import org.debian.bootc.scheduler.repository.TaskRepository;
import org.debian.bootc.scheduler.repository.Transactions;

import io.quarkus.scheduler.Scheduled;

/**
 * The scheduler's own clock: supersedes attempts whose lease ran out, dispatches
 * pending tasks whose backoff is over or whose architecture gained an executor, and
 * makes pending tasks of an architecture that lost its executors say so. Runs on a
 * timer and when a heartbeat brings a new architecture; passes never overlap.
 */
@ApplicationScoped
public class DispatchPass {

    private static final Logger LOG = Logger.getLogger(DispatchPass.class);
    private static final int BATCH = 500;

    private final Transactions transactions;
    private final TaskScheduler scheduler;
    private final TaskRepository tasks;
    private final AttemptRepository attempts;
    private final ExecutorRepository executors;
    private final SchedulerConfig config;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "dispatch-pass"));
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();

    public DispatchPass(Transactions transactions, TaskScheduler scheduler, TaskRepository tasks,
            AttemptRepository attempts, ExecutorRepository executors, SchedulerConfig config) {
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.tasks = tasks;
        this.attempts = attempts;
        this.executors = executors;
        this.config = config;
    }

    @Scheduled(every = "${bootc.scheduler.dispatch-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPass() {
        wake();
    }

    /** Asks for a pass soon, on the pass's own thread. */
    public void wake() {
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    private void drain() {
        try {
            while (pending.getAndSet(false)) {
                try {
                    pass();
                } catch (RuntimeException e) {
                    LOG.warnf("dispatch pass failed, the next one tries again: %s", e.toString());
                }
            }
        } finally {
            running.set(false);
        }
        if (pending.get() && running.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    /** One pass: expired leases, then dispatchable tasks, then tasks that lost their executors. */
    public void pass() {
        List<Expired> expired = transactions.run(sql -> attempts.expired(sql, BATCH));
        for (Expired x : expired) {
            transactions.run(sql -> {
                scheduler.expire(sql, x);
                return null;
            });
        }
        List<String> served = transactions.run(sql -> executors.served(sql, config.executorWindow()));
        List<TaskId> due = transactions.run(sql -> tasks.dispatchable(sql, served, BATCH));
        for (TaskId taskId : due) {
            transactions.run(sql -> {
                scheduler.dispatchPending(sql, taskId);
                return null;
            });
        }
        List<TaskId> unserved = transactions.run(sql -> tasks.unservedWithoutReason(sql, served, BATCH));
        for (TaskId taskId : unserved) {
            transactions.run(sql -> {
                scheduler.dispatchPending(sql, taskId);
                return null;
            });
        }
        if (due.size() == BATCH || expired.size() == BATCH) {
            pending.set(true);
        }
    }
}
