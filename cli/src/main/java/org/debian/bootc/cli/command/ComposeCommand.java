package org.debian.bootc.cli.command;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.cli.BootcCompose;
import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.PlannerClient;
import org.debian.bootc.cli.client.RequestPublisher;
import org.debian.bootc.cli.client.SchedulerClient;
import org.debian.bootc.cli.config.CliConfig;
import org.debian.bootc.cli.watch.ComposeWatcher;
import org.debian.bootc.cli.watch.DiskLine;
import org.debian.bootc.cli.watch.ProgressView;
import org.debian.bootc.events.ComposeId;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bootc-compose compose submit | watch | show | cancel}. */
@Command(name = "compose", mixinStandardHelpOptions = true,
        description = "Composes: submit a manifest, follow a compose to its end, show one, cancel one.",
        subcommands = { ComposeCommand.Submit.class, ComposeCommand.Watch.class, ComposeCommand.Show.class,
                ComposeCommand.Cancel.class })
public class ComposeCommand implements Runnable {

    @ParentCommand
    BootcCompose root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a compose command: submit, watch, show or cancel");
    }

    /** The options of following a compose, shared by submit --watch and watch. */
    public static class WatchOptions {
        @Option(names = "--progress", paramLabel = "auto|bar|plain", defaultValue = "auto",
                description = "How to show progress: a bar when stdout is a terminal (auto), or plain timestamped "
                        + "lines, one per change. Default ${DEFAULT-VALUE}.")
        String progress;

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "Give up (exit 3) when the compose has not ended after this long. Default: wait.")
        Long timeout;

        ProgressView view(BootcCompose root) {
            boolean bar;
            switch (progress) {
                case "auto" -> bar = root.terminal();
                case "bar" -> bar = true;
                case "plain" -> bar = false;
                default -> throw CliException.badInput("--progress '" + progress
                        + "' is not one of auto, bar, plain");
            }
            return bar ? ProgressView.bar(root.out()) : ProgressView.lines(root.out(), root.clock());
        }

        Duration timeout() {
            if (timeout == null) {
                return null;
            }
            if (timeout < 1) {
                throw CliException.badInput("--timeout " + timeout + " must be at least 1 second");
            }
            return Duration.ofSeconds(timeout);
        }
    }

    static int watch(BootcCompose root, CliConfig config, ComposeId id, boolean checkKnown, ProgressView view,
            Duration timeout) {
        return new ComposeWatcher(config.kafka(), root.planner(config), view, root.out(), root.err())
                .watch(id, checkKnown, timeout);
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = { "Send a manifest (YAML, or JSON when it ends in .json) to compose-planner, which checks "
                    + "it against the archive and plans it. Prints the compose id.",
                    "A refused manifest prints each violation (JSON pointer, value, reason) and exits 2." })
    public static class Submit implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ComposeCommand parent;

        @Parameters(index = "0", paramLabel = "MANIFEST", description = "The compose manifest file.")
        Path manifest;

        @Option(names = "--watch", description = "Then follow the compose to its end, as 'compose watch' does.")
        boolean watch;

        @Option(names = "--as-event", description = "Write the manifest to the bus as a compose-requested event, as "
                + "an upstream system does, instead of POSTing it to the planner; the planner's answer (the compose "
                + "id, or the violations) is read from compose-status. Needs only the broker. --timeout counts from "
                + "the request.")
        boolean asEvent;

        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            CliConfig config = root.config();
            ProgressView view = watch ? watchOptions.view(root) : ProgressView.lines(root.out(), root.clock());
            Duration timeout = watchOptions.timeout();
            long started = System.nanoTime();
            ComposeWatcher watcher = new ComposeWatcher(config.kafka(), root.planner(config), view, root.out(),
                    root.err());
            String composeId;
            if (asEvent) {
                RequestPublisher.Sent sent = new RequestPublisher(config.kafka(),
                        timeout == null ? Duration.ofSeconds(30) : timeout).publish(manifest, requester(root));
                root.out().println("submitted " + manifest + " as request " + sent.requestId().value() + " (event "
                        + sent.eventId() + ")");
                root.out().flush();
                composeId = watcher.awaitAnswer(sent.requestId(), sent.at(), timeout).value();
            } else {
                composeId = root.planner(config).submit(manifest).composeId();
            }
            root.out().println(composeId);
            root.out().flush();
            if (!watch) {
                return ExitCodes.OK;
            }
            Duration left = timeout == null ? null : timeout.minusNanos(System.nanoTime() - started);
            if (left != null && left.compareTo(Duration.ofSeconds(1)) < 0) {
                left = Duration.ofSeconds(1);
            }
            return watcher.watch(ComposeWatcher.composeId(composeId), false, left);
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = { "Follow a compose to its end: planning, building (tasks done of the total, failed), "
                    + "publishing, then FINISHED, FINISHED_INCOMPLETE or DOOMED. Reads the topics compose-status, "
                    + "compose-planned, task-status, compose-built, image-committed and image-failed from the "
                    + "compose's date on, so it can be started (or started again) at any time.",
                    "At FINISHED it prints, per architecture, the OSTree ref and commit and the image reference; "
                            + "exit 0 on FINISHED, 1 on FINISHED_INCOMPLETE or DOOMED." })
    public static class Watch implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ComposeCommand parent;

        @Parameters(index = "0", paramLabel = "COMPOSE_ID", description = "e.g. minimal-1-20250131.n.0")
        String composeId;

        @Mixin
        WatchOptions watchOptions;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            ComposeId id = ComposeWatcher.composeId(composeId);
            CliConfig config = root.config();
            return watch(root, config, id, true, watchOptions.view(root), watchOptions.timeout());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a compose: its status at the planner, its tasks at the scheduler (counts by status "
                    + "and result), and its images once published.")
    public static class Show implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ComposeCommand parent;

        @Parameters(index = "0", paramLabel = "COMPOSE_ID")
        String composeId;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            ComposeId id = ComposeWatcher.composeId(composeId);
            CliConfig config = root.config();
            PlannerClient planner = root.planner(config);
            Optional<JsonNode> compose = planner.compose(id.value());
            if (compose.isEmpty()) {
                throw CliException.badInput("compose '" + id + "' is unknown to compose-planner at "
                        + config.planner().value());
            }
            PrintWriter out = root.out();
            JsonNode c = compose.get();
            out.println("compose   " + id);
            out.println("status    " + c.path("status").asText()
                    + (c.hasNonNull("statusReason") ? " (" + c.get("statusReason").asText() + ")" : ""));
            line(out, "request", c, "requestId");
            line(out, "created", c, "createdAt");
            line(out, "updated", c, "updatedAt");
            line(out, "outcome", c, "outcome");
            SchedulerClient scheduler = root.scheduler(config);
            Optional<JsonNode> tasks;
            try {
                tasks = scheduler.compose(id.value());
            } catch (CliException e) {
                root.err().println("bootc-compose: tasks not shown: " + e.getMessage());
                tasks = Optional.empty();
            }
            tasks.ifPresent(detail -> {
                JsonNode summary = detail.path("compose");
                long total = summary.hasNonNull("expectedTasks") ? summary.get("expectedTasks").asLong()
                        : summary.path("tasks").asLong();
                out.println("tasks     " + summary.path("terminal").asLong() + "/" + total + " done; by status "
                        + counts(summary.path("byStatus")) + "; by result " + counts(summary.path("byResult")));
                if (summary.hasNonNull("cancelledAt")) {
                    out.println("cancelled " + summary.get("cancelledAt").asText() + " by "
                            + summary.path("cancelledBy").asText() + (summary.hasNonNull("cancelReason")
                                    ? ": " + summary.get("cancelReason").asText() : ""));
                }
                for (JsonNode t : detail.path("tasks")) {
                    out.println("  " + TaskCommand.row(t));
                }
            });
            if (c.path("status").asText().startsWith("FINISHED")) {
                planner.metadata(id.value(), "images.json").ifPresent(doc -> doc.path("payload").path("images")
                        .fields().forEachRemaining(variant -> variant.getValue().fields().forEachRemaining(arch -> {
                            for (JsonNode image : arch.getValue()) {
                                if (DiskLine.isDisk(image)) {
                                    out.println("disk      " + arch.getKey() + " " + DiskLine.of(image));
                                    continue;
                                }
                                out.println("image     " + arch.getKey() + " " + image.path("path").asText()
                                        + " ostree " + image.path("ostree_ref").asText() + " "
                                        + image.path("ostree_commit").asText());
                            }
                        })));
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static void line(PrintWriter out, String label, JsonNode node, String field) {
            if (node.hasNonNull(field)) {
                out.println(String.format("%-9s %s", label, node.get(field).asText()));
            }
        }

        private static String counts(JsonNode map) {
            StringBuilder sb = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
            }
            return sb.length() == 0 ? "none" : sb.toString();
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a compose at task-scheduler: pending and blocked tasks are aborted, running builds "
                    + "are stopped; the planner then marks it DOOMED. Needs the API token (--token, BOOTC_TOKEN).")
    public static class Cancel implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        ComposeCommand parent;

        @Parameters(index = "0", paramLabel = "COMPOSE_ID")
        String composeId;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for people reading the status.")
        String reason;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            ComposeId id = ComposeWatcher.composeId(composeId);
            CliConfig config = root.config();
            String message = root.scheduler(config).cancel(id.value(), requester(root), reason);
            root.out().println(message);
            root.out().flush();
            return ExitCodes.OK;
        }
    }

    static String requester(BootcCompose root) {
        String user = root.env().getOrDefault("USER", System.getProperty("user.name", "unknown"));
        try {
            return user + "@" + InetAddress.getLocalHost().getHostName() + " (bootc-compose)";
        } catch (Exception e) {
            return user + " (bootc-compose)";
        }
    }
}
