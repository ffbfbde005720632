package org.debian.bootc.cli.command;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.cli.BootcCompose;
import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.SchedulerClient;
import org.debian.bootc.cli.config.CliConfig;
import org.debian.bootc.cli.watch.ComposeWatcher;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.Topics;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bootc-compose task list | show | retry | log}: task-scheduler's tasks, as Koji's list-tasks and watch-logs. */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = "Build tasks at task-scheduler: list, show, retry, read or follow the build log.",
        subcommands = { TaskCommand.List.class, TaskCommand.Show.class, TaskCommand.Retry.class,
                TaskCommand.Log.class })
public class TaskCommand implements Runnable {

    @ParentCommand
    BootcCompose root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a task command: list, show, retry or log");
    }

    /** One task as a table row: id, status/result, attempt, source version, reason. */
    static String row(JsonNode t) {
        String state = t.path("status").asText() + (t.hasNonNull("result") ? "/" + t.get("result").asText() : "");
        return String.format("%-50s %-20s attempt %-2s %s %s%s", t.path("taskId").asText(), state,
                t.path("attempt").asText(), t.path("source").asText(), t.path("version").asText(),
                t.hasNonNull("reason") ? "  (" + t.get("reason").asText() + ")" : "");
    }

    static String taskId(String value) {
        try {
            return new TaskId(value).value();
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("task id: " + e.getMessage());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List tasks, newest first, optionally of one compose, in one status, of one architecture.")
    public static class List implements Callable<Integer> {
        @ParentCommand
        TaskCommand parent;

        @Option(names = "--compose", paramLabel = "COMPOSE_ID", description = "Only this compose's tasks.")
        String compose;

        @Option(names = "--status", paramLabel = "STATUS",
                description = "Only tasks in this status: pending, blocked, running, completed or aborted.")
        String status;

        @Option(names = "--arch", paramLabel = "ARCH", description = "Only tasks of this architecture, e.g. amd64.")
        String arch;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            if (compose != null) {
                ComposeWatcher.composeId(compose);
            }
            if (status != null) {
                try {
                    TaskStatus.fromWireName(status);
                } catch (IllegalArgumentException e) {
                    throw CliException.badInput("--status '" + status
                            + "' is not a task status: pending, blocked, running, completed or aborted");
                }
            }
            if (arch != null) {
                try {
                    Topics.buildTasks(arch);
                } catch (IllegalArgumentException e) {
                    throw CliException.badInput("--arch: " + e.getMessage());
                }
            }
            CliConfig config = root.config();
            JsonNode tasks = root.scheduler(config).tasks(compose, status, arch);
            PrintWriter out = root.out();
            for (JsonNode t : tasks) {
                out.println(row(t));
            }
            if (tasks.isEmpty()) {
                root.err().println("no task matches");
                root.err().flush();
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a task: status and result, what it waits for, and every attempt with its executor, "
                    + "buildroot, result and log location.")
    public static class Show implements Callable<Integer> {
        @ParentCommand
        TaskCommand parent;

        @Parameters(index = "0", paramLabel = "TASK_ID")
        String taskId;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            String id = taskId(taskId);
            CliConfig config = root.config();
            JsonNode detail = root.scheduler(config).task(id)
                    .orElseThrow(() -> CliException.badInput("task '" + id + "' is unknown to task-scheduler at "
                            + config.scheduler().value()));
            PrintWriter out = root.out();
            JsonNode t = detail.path("task");
            out.println("task      " + t.path("taskId").asText());
            out.println("compose   " + t.path("composeId").asText());
            out.println("source    " + t.path("source").asText() + " " + t.path("version").asText() + " on "
                    + t.path("architecture").asText() + " (" + detail.path("suite").asText() + ", build "
                    + detail.path("buildType").asText()
                    + (detail.hasNonNull("buildProfile") ? ", profile " + detail.get("buildProfile").asText() : "")
                    + ")");
            out.println("status    " + t.path("status").asText()
                    + (t.hasNonNull("result") ? " / " + t.get("result").asText() : "")
                    + (t.hasNonNull("reason") ? " (" + t.get("reason").asText() + ")" : ""));
            out.println("key       " + detail.path("contentKey").asText());
            for (JsonNode dep : detail.path("waitsFor")) {
                out.println("waits for " + dep.path("taskId").asText() + " " + dep.path("status").asText()
                        + (dep.hasNonNull("result") ? "/" + dep.get("result").asText() : ""));
            }
            for (JsonNode a : detail.path("attempts")) {
                out.println("attempt " + a.path("attempt").asText() + ": " + (a.hasNonNull("result")
                        ? a.get("result").asText() : "running") + (a.path("applied").asBoolean(true) ? "" : " (not applied)")
                        + (a.hasNonNull("executorId") ? " on " + a.get("executorId").asText() : "")
                        + (a.hasNonNull("dispatchedAt") ? ", dispatched " + a.get("dispatchedAt").asText() : "")
                        + (a.hasNonNull("endedAt") ? ", ended " + a.get("endedAt").asText() : "")
                        + (a.hasNonNull("durationMillis") ? ", " + a.get("durationMillis").asLong() / 1000 + " s" : "")
                        + (a.hasNonNull("reusedFrom") ? ", reused " + a.get("reusedFrom").asText() : "")
                        + (a.hasNonNull("endReason") ? " (" + a.get("endReason").asText() + ")" : ""));
                if (a.hasNonNull("logLocation")) {
                    out.println("  log " + a.get("logLocation").asText());
                }
                for (JsonNode artifact : a.path("artifacts")) {
                    out.println("  " + artifact.path("category").asText() + " " + artifact.path("name").asText()
                            + " sha256:" + artifact.path("sha256").asText());
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Ask for a new attempt of a failed or aborted task (the old attempt is kept, superseded). "
                    + "Needs the API token (--token, BOOTC_TOKEN).")
    public static class Retry implements Callable<Integer> {
        @ParentCommand
        TaskCommand parent;

        @Parameters(index = "0", paramLabel = "TASK_ID")
        String taskId;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            String id = taskId(taskId);
            CliConfig config = root.config();
            root.out().println(root.scheduler(config).retry(id));
            root.out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "log", mixinStandardHelpOptions = true,
            description = { "Print the build log of the task's latest attempt.",
                    "With --follow, keep printing as the build writes it until the attempt ends (tail -f); exit 0 "
                            + "when the task completed with success, 1 when it did not." })
    public static class Log implements Callable<Integer> {
        @ParentCommand
        TaskCommand parent;

        @Parameters(index = "0", paramLabel = "TASK_ID")
        String taskId;

        @Option(names = { "-f", "--follow" }, description = "Follow the live log until the attempt ends.")
        boolean follow;

        @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "1000",
                description = "How often to ask for more while following (default ${DEFAULT-VALUE} ms).")
        long interval;

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "With --follow: give up (exit 3) after this long. Default: wait.")
        Long timeout;

        @Override
        public Integer call() throws InterruptedException {
            BootcCompose root = parent.root;
            String id = taskId(taskId);
            if (interval < 10) {
                throw CliException.badInput("--interval " + interval + " must be at least 10 ms");
            }
            CliConfig config = root.config();
            SchedulerClient scheduler = root.scheduler(config);
            if (scheduler.task(id).isEmpty()) {
                throw CliException.badInput("task '" + id + "' is unknown to task-scheduler at "
                        + config.scheduler().value());
            }
            PrintWriter out = root.out();
            long offset = 0;
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
            boolean waitingNoted = false;
            while (true) {
                Optional<SchedulerClient.LogChunk> chunk = scheduler.log(id, offset);
                if (chunk.isPresent()) {
                    out.print(chunk.get().text());
                    out.flush();
                    offset = chunk.get().next();
                    if (!follow) {
                        return ExitCodes.OK;
                    }
                    if (chunk.get().complete()) {
                        return finalResult(root, scheduler, id);
                    }
                } else if (!follow) {
                    throw CliException.badInput("task '" + id + "' has no log yet (not dispatched, or its result was"
                            + " reused); use --follow to wait for it");
                } else if (!waitingNoted) {
                    root.err().println("bootc-compose: task " + id + " has no log yet; waiting");
                    root.err().flush();
                    waitingNoted = true;
                }
                if (chunk.isEmpty() || chunk.get().text().isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new CliException(ExitCodes.UNREACHABLE, "the log of task " + id
                                + " did not end within " + timeout + " s (--timeout)");
                    }
                    Thread.sleep(interval);
                }
            }
        }

        private static int finalResult(BootcCompose root, SchedulerClient scheduler, String id) {
            JsonNode task = scheduler.task(id).map(d -> d.path("task")).orElse(null);
            if (task == null) {
                return ExitCodes.OK;
            }
            String status = task.path("status").asText();
            String result = task.path("result").asText("");
            root.err().println("bootc-compose: task " + id + " " + status + (result.isEmpty() ? "" : " / " + result));
            root.err().flush();
            return "success".equals(result) || !"completed".equals(status) && !"aborted".equals(status)
                    ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
