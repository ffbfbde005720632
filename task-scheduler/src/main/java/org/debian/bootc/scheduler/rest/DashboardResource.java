package org.debian.bootc.scheduler.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.debian.bootc.scheduler.repository.TaskRepository.Filter;
import org.debian.bootc.scheduler.service.Views.ComposeDetail;
import org.debian.bootc.scheduler.service.Views.ComposeSummary;
import org.debian.bootc.scheduler.service.Views.TaskDetail;
import org.debian.bootc.scheduler.service.Views.TaskSummary;
import org.debian.bootc.scheduler.service.TaskLogs;
import org.debian.bootc.scheduler.service.TaskQueries;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

/** The web dashboard (Koji web): composes with progress, tasks by status and architecture, one task. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class DashboardResource {

    static final List<String> STATUSES = List.of("pending", "blocked", "running", "completed", "aborted");

    /** Task counts of one architecture by status, in {@link #STATUSES} order. */
    public record ArchitectureRow(String architecture, List<Long> counts, long total) {
    }

    @CheckedTemplate(basePath = "dashboard")
    static class Templates {
        static native TemplateInstance index(List<ComposeSummary> composes, List<String> statuses,
                List<ArchitectureRow> architectures);

        static native TemplateInstance compose(ComposeSummary compose, List<String> statuses,
                List<ArchitectureRow> architectures, List<TaskSummary> tasks);

        static native TemplateInstance task(TaskDetail detail, String logLocation, boolean live);
    }

    private final TaskQueries queries;
    private final TaskLogs logs;

    public DashboardResource(TaskQueries queries, TaskLogs logs) {
        this.queries = queries;
        this.logs = logs;
    }

    @GET
    public TemplateInstance index() {
        return Templates.index(queries.composes(50), STATUSES,
                byArchitecture(queries.tasks(new Filter(null, null, null), 10_000)));
    }

    @GET
    @Path("composes/{composeId}")
    public TemplateInstance compose(@PathParam("composeId") String composeId) {
        ComposeDetail detail = Ids.compose(composeId).flatMap(queries::compose)
                .orElseThrow(() -> new NotFoundException("compose " + composeId + " is unknown"));
        return Templates.compose(detail.compose(), STATUSES, byArchitecture(detail.tasks()), detail.tasks());
    }

    @GET
    @Path("tasks/{taskId}")
    public TemplateInstance task(@PathParam("taskId") String taskId) {
        TaskDetail detail = Ids.task(taskId).flatMap(queries::task)
                .orElseThrow(() -> new NotFoundException("task " + taskId + " is unknown"));
        var source = logs.source(detail);
        return Templates.task(detail, source.map(TaskLogs.Source::location).orElse(null),
                source.map(TaskLogs.Source::live).orElse(false));
    }

    static List<ArchitectureRow> byArchitecture(List<TaskSummary> tasks) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (TaskSummary t : tasks) {
            counts.computeIfAbsent(t.architecture(), a -> new LinkedHashMap<>()).merge(t.status(), 1L, Long::sum);
        }
        List<ArchitectureRow> rows = new ArrayList<>();
        counts.forEach((arch, byStatus) -> rows.add(new ArchitectureRow(arch,
                STATUSES.stream().map(s -> byStatus.getOrDefault(s, 0L)).toList(),
                byStatus.values().stream().mapToLong(Long::longValue).sum())));
        return rows;
    }
}
