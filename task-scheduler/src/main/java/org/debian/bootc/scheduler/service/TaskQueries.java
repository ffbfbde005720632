package org.debian.bootc.scheduler.service;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Compose;
import org.debian.bootc.scheduler.Task;
import org.debian.bootc.scheduler.repository.AttemptRepository;
import org.debian.bootc.scheduler.repository.ComposeRepository;
import org.debian.bootc.scheduler.repository.Sql;
import org.debian.bootc.scheduler.repository.TaskRepository;
import org.debian.bootc.scheduler.repository.TaskRepository.Filter;
import org.debian.bootc.scheduler.repository.Transactions;
import org.debian.bootc.scheduler.service.Views.AttemptView;
import org.debian.bootc.scheduler.service.Views.ComposeDetail;
import org.debian.bootc.scheduler.service.Views.ComposeSummary;
import org.debian.bootc.scheduler.service.Views.DependencyView;
import org.debian.bootc.scheduler.service.Views.TaskDetail;
import org.debian.bootc.scheduler.service.Views.TaskSummary;

/** Read-only views of composes and tasks for the REST API and the dashboard. */
@ApplicationScoped
public class TaskQueries {

    private final Transactions transactions;
    private final ComposeRepository composes;
    private final TaskRepository tasks;
    private final AttemptRepository attempts;

    public TaskQueries(Transactions transactions, ComposeRepository composes, TaskRepository tasks,
            AttemptRepository attempts) {
        this.transactions = transactions;
        this.composes = composes;
        this.tasks = tasks;
        this.attempts = attempts;
    }

    public List<ComposeSummary> composes(int limit) {
        return transactions.run(sql -> {
            List<ComposeSummary> out = new ArrayList<>();
            for (Compose c : composes.list(sql, limit)) {
                out.add(summary(sql, c));
            }
            return out;
        });
    }

    public Optional<ComposeDetail> compose(ComposeId composeId) {
        return transactions.run(sql -> {
            Optional<Compose> c = composes.find(sql, composeId);
            if (c.isEmpty()) {
                return Optional.<ComposeDetail>empty();
            }
            return Optional.of(new ComposeDetail(summary(sql, c.get()),
                    tasks.ofCompose(sql, composeId).stream().map(TaskSummary::of).toList()));
        });
    }

    public List<TaskSummary> tasks(Filter filter, int limit) {
        return transactions.run(sql -> tasks.list(sql, filter, limit).stream().map(TaskSummary::of).toList());
    }

    public Optional<TaskDetail> task(TaskId taskId) {
        return transactions.run(sql -> {
            Optional<Task> found = tasks.find(sql, taskId);
            if (found.isEmpty()) {
                return Optional.<TaskDetail>empty();
            }
            Task t = found.get();
            List<AttemptView> views = new ArrayList<>();
            for (Attempt a : attempts.ofTask(sql, taskId)) {
                views.add(AttemptView.of(a, a.buildrootId() == null ? null
                        : attempts.buildroot(sql, a.buildrootId()).orElse(null),
                        attempts.artifacts(sql, taskId, a.attempt())));
            }
            return Optional.of(new TaskDetail(TaskSummary.of(t), t.suite(), t.buildType(), t.buildProfile(),
                    t.contentKey(), t.createdAt(), t.completedAt(),
                    tasks.dependencies(sql, taskId).stream().map(DependencyView::of).toList(),
                    tasks.dependents(sql, taskId).stream().map(TaskId::value).toList(), views));
        });
    }

    private static ComposeSummary summary(Sql sql, Compose c) throws SQLException {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (String s : List.of("pending", "blocked", "running", "completed", "aborted")) {
            byStatus.put(s, 0L);
        }
        Map<String, Long> byResult = new LinkedHashMap<>();
        for (String r : List.of("success", "failure", "error", "skipped")) {
            byResult.put(r, 0L);
        }
        long[] total = {0};
        sql.list("select status, result, count(*) from task where compose_id = ? group by status, result", rs -> {
            long n = rs.getLong(3);
            byStatus.merge(rs.getString(1), n, Long::sum);
            if (rs.getString(2) != null) {
                byResult.merge(rs.getString(2), n, Long::sum);
            }
            total[0] += n;
            return null;
        }, c.composeId());
        long terminal = byStatus.get("completed") + byStatus.get("aborted");
        return new ComposeSummary(c.composeId().value(), c.planned(), c.expectedCount(), total[0],
                byStatus, byResult, terminal, c.outcome(), c.builtAt(), c.cancelledAt(), c.cancelledBy(),
                c.cancelReason(), c.createdAt(), c.handoffError());
    }
}
