package org.debian.bootc.cli.watch;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.PlannerClient;
import org.debian.bootc.cli.config.Setting;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.RequestId;
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
    /** How far before its sending an answer to a request is looked for: clocks of broker and client may differ. */
    private static final Duration ANSWER_MARGIN = Duration.ofMinutes(1);

    private final Setting kafka;
    private final PlannerClient planner;
    private final ProgressView view;
    private final PrintWriter out;
    private final PrintWriter err;
    private final EventDecoder decoder = new EventDecoder();
    private final ReadOffsets offsets = new ReadOffsets();

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
            // The history is read topic by topic: it is shown once it is all read, in the order it was written.
            List<ConsumerRecord<String, byte[]>> history = new ArrayList<>();
            while (true) {
                boolean changed = false;
                if (caughtUp) {
                    changed = apply(reader.poll(POLL), progress, id);
                } else {
                    history.addAll(reader.poll(POLL));
                    if (reader.caughtUp()) {
                        caughtUp = true;
                        apply(history, progress, id);
                        history.clear();
                        changed = true;
                    }
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

    /**
     * Waits for the planner's answer to a request sent as {@code compose-requested}: the
     * compose id it started, or its rejection (exit 2, each violation listed), or exit 3 when
     * {@code timeout} passes first. Reads {@code compose-status} from a minute before
     * {@code sentAt}, so an answer written before this reader started is not missed.
     *
     * @param timeout null: wait as long as it takes (the planner retries an archive it cannot reach)
     */
    public ComposeId awaitAnswer(RequestId request, Instant sentAt, Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (TopicReader reader = new TopicReader(kafka, List.of(Topics.COMPOSE_STATUS),
                new TopicReader.At(sentAt.minus(ANSWER_MARGIN)), timeout == null ? Duration.ofSeconds(15) : timeout)) {
            while (true) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(POLL)) {
                    Optional<IncomingEvent<? extends Event>> event;
                    try {
                        event = decoder.decode(record);
                    } catch (InvalidEventException e) {
                        continue; // not this command's to judge: the services dead-letter what is invalid
                    }
                    if (event.isEmpty() || !(event.get().payload() instanceof ComposeStatusChanged answer)
                            || !request.equals(answer.requestId())) {
                        continue;
                    }
                    if (answer.newStatus() == ComposeStatus.REJECTED) {
                        throw new PlannerClient.Rejected("request " + request.value() + " rejected by compose-planner"
                                + (answer.reason() == null ? "" : ": " + answer.reason()),
                                answer.violations().stream().map(v -> (v.pointer().isEmpty() ? "(the manifest)"
                                        : v.pointer()) + (v.value() == null ? "" : " = " + v.value()) + ": "
                                        + v.reason()).toList());
                    }
                    if (answer.composeId() != null) {
                        return answer.composeId();
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.UNREACHABLE, "no answer to request " + request.value() + " on "
                            + Topics.COMPOSE_STATUS + " within " + timeout.toSeconds() + " s (--timeout): is the "
                            + "compose-planner running and connected to " + kafka + "?");
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CliException(ExitCodes.UNREACHABLE, "interrupted while waiting for the planner's answer");
                }
            }
        }
    }

    private boolean apply(List<ConsumerRecord<String, byte[]>> records, ComposeProgress progress, ComposeId id) {
        boolean changed = false;
        // new records first (in offset order, as ReadOffsets needs), then in the order they were written
        List<ConsumerRecord<String, byte[]>> fresh = records.stream().filter(offsets::firstTime)
                .sorted(Comparator.comparingLong(ConsumerRecord::timestamp)).toList();
        for (ConsumerRecord<String, byte[]> record : fresh) {
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
            if (event.isPresent() && progress.concerns(event.get().payload())) {
                changed |= progress.apply(event.get().payload());
                view.step(event.get().payload(), event.get().time(), progress);
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

    /**
     * Prints the end: per architecture the ref and commit, the image by digest and each disk
     * with its checksum and size (the lines scripts and the end-to-end tests read), the failures
     * of a compose that did not finish; returns the exit code.
     */
    private int report(ComposeProgress progress) {
        String id = progress.composeId();
        boolean finished = progress.phase() == ComposeProgress.Phase.FINISHED;
        out.println("compose " + id + (finished ? " " : " ended ") + progress.phase().label()
                + (progress.reason() == null ? "" : ": " + progress.reason())
                + (finished ? "" : " (" + progress.tasksSummary() + ")"));
        Map<String, ImageCommitted> images = progress.images();
        if (images.isEmpty() && progress.phase() != ComposeProgress.Phase.DOOMED) {
            printImagesFromPlanner(id);
        }
        new TreeMap<>(images).values().forEach(image -> {
            out.println(imageLines(image.architecture(), image.ref(), image.commit(), image.imageReference(),
                    image.manifestDigest()));
            image.disks().forEach(disk -> out.println(image.architecture() + ": disk " + DiskLine.of(disk)));
        });
        for (ImagePublishFailed failed : new TreeMap<>(progress.imageFailures()).values()) {
            out.println(failed.architecture() + ": image failed at " + failed.stage() + ": " + failed.reason());
        }
        for (ComposeProgress.TaskState task : progress.failedTasks()) {
            out.println("  task " + task.taskId() + " attempt " + task.attempt() + " " + task.status().wireName()
                    + (task.result() == null ? "" : " " + task.result().wireName())
                    + (task.reason() == null ? "" : ": " + task.reason()));
        }
        out.flush();
        return finished ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** {@code amd64: ostree ref R commit C} and {@code amd64: image REFERENCE@DIGEST}: what to pull, by digest. */
    static String imageLines(String arch, String ref, String commit, String reference, String digest) {
        return arch + ": ostree ref " + ref + " commit " + commit + "\n" + arch + ": image " + reference + "@" + digest;
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
                        out.println(arch.getKey() + ": disk " + DiskLine.of(image));
                        continue;
                    }
                    out.println(imageLines(arch.getKey(), image.path("ostree_ref").asText(),
                            image.path("ostree_commit").asText(), image.path("path").asText(),
                            "sha256:" + image.path("checksums").path("sha256").asText()));
                }
            }));
        } catch (CliException e) {
            err.println("no image-committed event was read for " + id + ", and images.json cannot be fetched: "
                    + e.getMessage());
        }
        err.flush();
    }
}
