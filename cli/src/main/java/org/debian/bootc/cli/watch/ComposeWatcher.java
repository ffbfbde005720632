package org.debian.bootc.cli.watch;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.PlannerClient;
import org.debian.bootc.cli.config.Setting;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.Topics;

/**
 * Follows one compose to its end by reading the topics the services announce every
 * change on. It starts at the compose's date (the id carries it; one day earlier for
 * time zones), so a watcher started late, or again, sees the whole history of the
 * compose without reading the topics from their very beginning.
 *
 * <p>Once it has read everything that was on the topics when it began, a compose no
 * event names is checked with the planner: unknown there too is bad input (exit 2).
 */
public final class ComposeWatcher {

    /** Every topic that moves a compose forward. */
    public static final List<String> TOPICS = List.of(Topics.COMPOSE_STATUS, Topics.COMPOSE_PLANNED,
            Topics.TASK_STATUS, Topics.COMPOSE_BUILT, Topics.IMAGE_COMMITTED, Topics.IMAGE_FAILED);

    private static final Duration POLL = Duration.ofMillis(300);

    private final Setting kafka;
    private final PlannerClient planner;
    private final ProgressView view;
    private final PrintWriter out;
    private final PrintWriter err;
    private final EventDecoder decoder = new EventDecoder();

    public ComposeWatcher(Setting kafka, PlannerClient planner, ProgressView view, PrintWriter out, PrintWriter err) {
        this.kafka = kafka;
        this.planner = planner;
        this.view = view;
        this.out = out;
        this.err = err;
    }

    /** Parses a compose id given on the command line; bad input names the value and the form. */
    public static ComposeId composeId(String value) {
        try {
            return new ComposeId(value);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("compose id: " + e.getMessage());
        }
    }

    /**
     * Follows the compose until FINISHED (0), FINISHED_INCOMPLETE or DOOMED (1); exit 3
     * when {@code timeout} passes first.
     *
     * @param checkKnown ask the planner about a compose no event names (false right after submit)
     * @param timeout null: wait as long as it takes
     */
    public int watch(ComposeId id, boolean checkKnown, Duration timeout) {
        Instant from = id.date().minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        ComposeProgress progress = new ComposeProgress(id.value());
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (TopicReader reader = new TopicReader(kafka, TOPICS, new TopicReader.At(from),
                timeout == null ? Duration.ofSeconds(15) : timeout)) {
            boolean caughtUp = false;
            boolean checked = !checkKnown;
            while (true) {
                boolean changed = apply(reader.poll(POLL), progress, id);
                if (!caughtUp && reader.caughtUp()) {
                    caughtUp = true;
                    changed = true;
                }
                if (caughtUp && !checked) {
                    checked = true;
                    if (!progress.seen()) {
                        checkKnown(id, from);
                    }
                }
                if (progress.phase().terminal()) {
                    apply(reader.drainToEnd(Duration.ofSeconds(10)), progress, id);
                    view.update(progress);
                    view.finish();
                    return report(progress);
                }
                if (changed && caughtUp) {
                    view.update(progress);
                }
                if (System.nanoTime() > deadline) {
                    view.finish();
                    throw new CliException(ExitCodes.UNREACHABLE, "compose " + id + " did not end within "
                            + timeout.toSeconds() + " s (--timeout); last seen: " + progress.describe()
                            + (reader.missingTopics().isEmpty() ? "" : "; topics not on the broker: "
                                    + reader.missingTopics()));
                }
                if (Thread.currentThread().isInterrupted()) {
                    view.finish();
                    throw new CliException(ExitCodes.UNREACHABLE, "interrupted while watching " + id);
                }
            }
        }
    }

    private boolean apply(List<ConsumerRecord<String, byte[]>> records, ComposeProgress progress, ComposeId id) {
        boolean changed = false;
        for (ConsumerRecord<String, byte[]> record : records) {
            Optional<IncomingEvent<? extends Event>> event;
            try {
                event = decoder.decode(record);
            } catch (InvalidEventException e) {
                if (id.value().equals(record.key())) {
                    view.note("skipped an unreadable record on " + record.topic() + "-" + record.partition() + "@"
                            + record.offset() + ": " + e.reason());
                }
                continue;
            }
            if (event.isPresent()) {
                changed |= progress.apply(event.get().payload());
            }
        }
        return changed;
    }

    private void checkKnown(ComposeId id, Instant from) {
        Optional<JsonNode> known;
        try {
            known = planner.compose(id.value());
        } catch (CliException e) {
            throw new CliException(e.exitCode(), "no event on " + TOPICS + " since " + from + " names compose " + id
                    + ", and the planner cannot say whether it exists: " + e.getMessage(), e);
        }
        if (known.isEmpty()) {
            throw CliException.badInput("compose '" + id + "' is unknown: compose-planner has no such compose and no"
                    + " event since " + from + " names it");
        }
        view.note("compose " + id + " is " + known.get().path("status").asText("known")
                + " at the planner; waiting for its events");
    }

    /** Prints the end: the images of a finished compose, the failures of any other; returns the exit code. */
    private int report(ComposeProgress progress) {
        String id = progress.composeId();
        out.println("compose " + id + " " + progress.phase().label()
                + (progress.reason() == null ? "" : ": " + progress.reason()));
        Map<String, ImageCommitted> images = progress.images();
        if (images.isEmpty() && progress.phase() != ComposeProgress.Phase.DOOMED) {
            printImagesFromPlanner(id);
        }
        images.values().forEach(image -> {
            out.println("  " + image.architecture() + ": ostree ref " + image.ref() + " commit " + image.commit());
            out.println("  " + image.architecture() + ": image " + image.imageReference() + " ("
                    + image.manifestDigest() + ")");
            image.disks().forEach(disk -> out.println("  " + image.architecture() + ": disk " + DiskLine.of(disk)));
        });
        for (ImagePublishFailed failed : progress.imageFailures().values()) {
            out.println("  " + failed.architecture() + ": image failed at " + failed.stage() + ": " + failed.reason());
        }
        for (ComposeProgress.TaskState task : progress.failedTasks()) {
            out.println("  task " + task.taskId() + " attempt " + task.attempt() + " " + task.status().wireName()
                    + (task.result() == null ? "" : " " + task.result().wireName())
                    + (task.reason() == null ? "" : ": " + task.reason()));
        }
        out.flush();
        return progress.phase() == ComposeProgress.Phase.FINISHED ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void printImagesFromPlanner(String id) {
        try {
            Optional<JsonNode> doc = planner.metadata(id, "images.json");
            if (doc.isEmpty()) {
                err.println("no image-committed event was read for " + id + ", and the planner has no images.json");
                return;
            }
            JsonNode variants = doc.get().path("payload").path("images");
            variants.fields().forEachRemaining(variant -> variant.getValue().fields().forEachRemaining(arch -> {
                for (JsonNode image : arch.getValue()) {
                    if (DiskLine.isDisk(image)) {
                        out.println("  " + arch.getKey() + ": disk " + DiskLine.of(image));
                        continue;
                    }
                    out.println("  " + arch.getKey() + ": ostree ref " + image.path("ostree_ref").asText() + " commit "
                            + image.path("ostree_commit").asText());
                    out.println("  " + arch.getKey() + ": image " + image.path("path").asText() + " (sha256:"
                            + image.path("checksums").path("sha256").asText() + ")");
                }
            }));
        } catch (CliException e) {
            err.println("no image-committed event was read for " + id + ", and images.json cannot be fetched: "
                    + e.getMessage());
        }
        err.flush();
    }
}
