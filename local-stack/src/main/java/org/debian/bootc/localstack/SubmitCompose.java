package org.debian.bootc.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.Violation;
import org.debian.bootc.localstack.test.TopicProbe;

/**
 * Submits a manifest as {@code compose-requested} and follows {@code compose-status}
 * until the planner answers for it. The main job's last step until the CLI exists.
 *
 * <pre>java -cp local-stack-runner.jar org.debian.bootc.localstack.SubmitCompose [--bootstrap host:port]
 *     [--until started|finished] [--timeout seconds] MANIFEST.yaml</pre>
 *
 * Exit codes: 0 the compose reached what {@code --until} asks (STARTED, or FINISHED);
 * 1 it ended DOOMED or FINISHED_INCOMPLETE; 2 the request or the manifest was
 * rejected (each violation printed); 3 no answer in time; 64 bad usage.
 */
public final class SubmitCompose {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int REJECTED = 2;
    static final int TIMED_OUT = 3;
    static final int USAGE = 64;
    /** Width of the progress bar in a terminal, in characters. */
    static final int BAR_WIDTH = 30;
    /** Carriage return and "erase in line": the bar is redrawn over itself. */
    static final String CLEAR_LINE = "\r\033[K";

    /** Held so the JDK does not drop the configured level with the logger. */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    private SubmitCompose() {
    }

    public static void main(String[] args) {
        // The Kafka clients log every config value, and every failed connection attempt; this
        // command reports what matters itself.
        KAFKA_LOG.setLevel(java.util.logging.Level.OFF);
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    /** @param terminal stdout is a terminal: task progress as a bar redrawn in place */
    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        String bootstrap = "localhost:19092";
        String until = "started";
        Duration timeout = Duration.ofSeconds(120);
        Path manifestPath = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            boolean hasValue = i + 1 < args.length;
            switch (arg) {
                case "--bootstrap" -> {
                    if (!hasValue) {
                        return usage(err, "--bootstrap needs host:port");
                    }
                    bootstrap = args[++i];
                }
                case "--until" -> {
                    if (!hasValue || !Set.of("started", "finished").contains(args[i + 1])) {
                        return usage(err, "--until takes started or finished");
                    }
                    until = args[++i];
                }
                case "--timeout" -> {
                    if (!hasValue || !args[i + 1].matches("[1-9][0-9]{0,5}")) {
                        return usage(err, "--timeout takes whole seconds, e.g. --timeout 120");
                    }
                    timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                }
                default -> {
                    if (arg.startsWith("--") || manifestPath != null) {
                        return usage(err, "unexpected argument " + arg);
                    }
                    manifestPath = Path.of(arg);
                }
            }
        }
        if (manifestPath == null) {
            return usage(err, "name the manifest to submit");
        }
        ObjectNode manifest;
        try {
            manifest = readManifest(manifestPath);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return REJECTED;
        }

        EventCodec codec = new EventCodec();
        RequestId requestId = new RequestId("cli-" + UUID.randomUUID());
        OutgoingEvent event;
        try {
            event = codec.encode(new ComposeRequested(requestId, manifest, requester()), "/cli/submit-compose");
        } catch (IllegalArgumentException e) {
            err.println(manifestPath + ": not a valid compose request: " + e.getMessage());
            return REJECTED;
        }
        String unreachable = brokerProblem(bootstrap, timeout);
        if (unreachable != null) {
            err.println("no Kafka broker answers at " + bootstrap + ": " + unreachable
                    + " (start the local stack, or name the broker with --bootstrap)");
            return TIMED_OUT;
        }
        try (TopicProbe probe = new TopicProbe(bootstrap, Topics.COMPOSE_STATUS, Topics.COMPOSE_PLANNED,
                Topics.TASK_STATUS, Topics.COMPOSE_BUILT, Topics.IMAGE_COMMITTED, Topics.IMAGE_FAILED)) {
            TopicProbe.produce(bootstrap, event.topic(), event.key(), event.headers(), event.payload());
            out.println("submitted " + manifestPath + " as request " + requestId.value() + " (event " + event.id() + ")");
            Progress progress = new Progress(codec, requestId, until, out, err, terminal);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecord<String, byte[]> record;
                try {
                    record = probe.await(r -> progress.firstTime(r) && progress.concerns(r),
                            Duration.ofNanos(deadline - System.nanoTime()));
                } catch (AssertionError nothing) {
                    break;
                }
                Integer exit = progress.report(record);
                if (exit != null) {
                    return exit;
                }
            }
            progress.endBar();
            err.println(progress.composeId() == null
                    ? "no answer on " + Topics.COMPOSE_STATUS + " within " + timeout.toSeconds()
                            + " s: is the compose-planner running and connected to " + bootstrap + "?"
                    : "compose " + progress.composeId() + " did not end within " + timeout.toSeconds() + " s ("
                            + progress.summary() + "); it goes on: follow it on the scheduler's dashboard");
            return TIMED_OUT;
        } catch (InvalidEventException e) {
            err.println("an event of the compose is invalid: " + e.reason());
            return FAILED;
        }
    }

    /**
     * Follows one compose on its topics and prints a line per step: the planner's answer, each
     * task's transitions with a count of finished tasks, the builds' outcome, each image, and the
     * end. Records of other composes and other requests are not its concern.
     */
    static final class Progress {
        private final EventCodec codec;
        private final RequestId requestId;
        private final String until;
        private final PrintStream out;
        private final PrintStream err;
        private final Map<String, TaskStatusChanged> tasks = new TreeMap<>();
        private final Map<String, ImageCommitted> images = new TreeMap<>();
        private final Map<String, ImagePublishFailed> failedImages = new TreeMap<>();
        private final Map<TopicPartition, Long> lastOffsets = new HashMap<>();
        private ComposeId composeId;
        private int plannedTasks = -1;

        private final boolean terminal;
        private boolean barShown;

        Progress(EventCodec codec, RequestId requestId, String until, PrintStream out, PrintStream err) {
            this(codec, requestId, until, out, err, false);
        }

        /**
         * @param terminal stdout is a terminal: the tasks' progress is one bar redrawn in place instead of a line
         *        per transition (the other lines are printed as in a log)
         */
        Progress(EventCodec codec, RequestId requestId, String until, PrintStream out, PrintStream err,
                boolean terminal) {
            this.terminal = terminal;
            this.codec = codec;
            this.requestId = requestId;
            this.until = until;
            this.out = out;
            this.err = err;
        }

        ComposeId composeId() {
            return composeId;
        }

        /**
         * False for a record read before: the probe's consumer group commits nothing, so after a broker restart
         * it reads its topics from the start again, and the progress would run backwards.
         */
        boolean firstTime(ConsumerRecord<String, byte[]> record) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            Long last = lastOffsets.get(partition);
            if (last != null && record.offset() <= last) {
                return false;
            }
            lastOffsets.put(partition, record.offset());
            return true;
        }

        boolean concerns(ConsumerRecord<String, byte[]> record) {
            try {
                if (record.topic().equals(Topics.COMPOSE_STATUS)) {
                    ComposeStatusChanged change = decode(EventType.COMPOSE_STATUS_CHANGED, record);
                    return change.requestId().equals(requestId)
                            || (composeId != null && composeId.equals(change.composeId()));
                }
                if (composeId == null) {
                    return false;
                }
                ComposeId of = switch (record.topic()) {
                    case Topics.COMPOSE_PLANNED -> decode(EventType.COMPOSE_PLANNED, record).composeId();
                    case Topics.TASK_STATUS -> decode(EventType.TASK_STATUS_CHANGED, record).composeId();
                    case Topics.COMPOSE_BUILT -> decode(EventType.COMPOSE_BUILT, record).composeId();
                    case Topics.IMAGE_COMMITTED -> decode(EventType.IMAGE_COMMITTED, record).composeId();
                    case Topics.IMAGE_FAILED -> decode(EventType.IMAGE_PUBLISH_FAILED, record).composeId();
                    default -> null;
                };
                return composeId.equals(of);
            } catch (InvalidEventException e) {
                return false; // not this command's to judge: the services dead-letter what is invalid
            }
        }

        /** Prints what the record says; returns the exit code when it ends the wait. */
        Integer report(ConsumerRecord<String, byte[]> record) throws InvalidEventException {
            if (!record.topic().equals(Topics.TASK_STATUS)) {
                endBar();
            }
            switch (record.topic()) {
                case Topics.COMPOSE_STATUS -> {
                    return status(decode(EventType.COMPOSE_STATUS_CHANGED, record));
                }
                case Topics.COMPOSE_PLANNED -> {
                    plannedTasks = decode(EventType.COMPOSE_PLANNED, record).tasks().size();
                    out.println("compose " + composeId + ": " + plannedTasks + " build task(s) planned");
                }
                case Topics.TASK_STATUS -> {
                    TaskStatusChanged t = decode(EventType.TASK_STATUS_CHANGED, record);
                    tasks.put(t.taskId().value(), t);
                    if (terminal) {
                        bar();
                    } else {
                        out.println("  [" + summary() + "] task " + t.taskId().value() + " attempt " + t.attempt()
                                + ": " + t.newStatus().wireName() + (t.result() == null ? "" : " "
                                + t.result().wireName()) + (t.reason() == null ? "" : " (" + t.reason() + ")"));
                    }
                }
                case Topics.COMPOSE_BUILT -> {
                    ComposeBuilt built = decode(EventType.COMPOSE_BUILT, record);
                    out.println("compose " + composeId + ": builds done, outcome " + built.outcome().wireName()
                            + (built.outcome() == ComposeOutcome.DOOMED ? "" : "; publishing the image(s)"));
                }
                case Topics.IMAGE_COMMITTED -> {
                    ImageCommitted image = decode(EventType.IMAGE_COMMITTED, record);
                    images.put(image.architecture(), image);
                    out.println("compose " + composeId + ": " + image.architecture() + " image committed and pushed ("
                            + image.layerCount() + " layers, " + image.bytesPushed() + " bytes pushed)");
                }
                case Topics.IMAGE_FAILED -> {
                    ImagePublishFailed failure = decode(EventType.IMAGE_PUBLISH_FAILED, record);
                    failedImages.put(failure.architecture(), failure);
                    out.println("compose " + composeId + ": " + failure.architecture() + " image failed at "
                            + failure.stage() + ": " + failure.reason());
                }
                default -> {
                }
            }
            return null;
        }

        /** Redraws the bar in place: {@code [#####.........]  37% 5/12 done, 1 running}. */
        private void bar() {
            long done = done();
            int total = Math.max(plannedTasks, tasks.size());
            int percent = total <= 0 ? 0 : (int) (done * 100 / total);
            int filled = percent * BAR_WIDTH / 100;
            out.print(CLEAR_LINE + "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] "
                    + String.format("%3d%% ", percent) + summary());
            out.flush();
            barShown = true;
        }

        /** Ends the bar's line before anything else is printed, so the bar stays as the last state it showed. */
        void endBar() {
            if (barShown) {
                out.println();
                barShown = false;
            }
        }

        /** How many tasks have ended (completed or aborted). */
        private long done() {
            return tasks.values().stream().filter(t -> t.newStatus() == TaskStatus.COMPLETED
                    || t.newStatus() == TaskStatus.ABORTED).count();
        }

        /** The tasks by how far they are, e.g. "1/3 done, 1 running". */
        String summary() {
            long done = done();
            long running = tasks.values().stream().filter(t -> t.newStatus() == TaskStatus.RUNNING).count();
            long unsuccessful = tasks.values().stream().filter(t -> t.newStatus() == TaskStatus.ABORTED
                    || (t.result() != null && t.result() != TaskResult.SUCCESS)).count();
            int total = Math.max(plannedTasks, tasks.size());
            return done + "/" + (total < 0 ? "?" : total) + " done" + (running > 0 ? ", " + running + " running" : "")
                    + (unsuccessful > 0 ? ", " + unsuccessful + " not successful" : "");
        }

        private Integer status(ComposeStatusChanged change) {
            if (composeId == null && change.composeId() != null) {
                composeId = change.composeId();
            }
            String compose = change.composeId() == null ? "request " + change.requestId().value()
                    : "compose " + change.composeId().value();
            out.println(compose + ": " + change.newStatus() + (change.reason() == null ? "" : " (" + change.reason() + ")"));
            switch (change.newStatus()) {
                case REJECTED -> {
                    for (Violation v : change.violations()) {
                        err.println("  " + v.pointer() + " = " + v.value() + ": " + v.reason());
                    }
                    return REJECTED;
                }
                case STARTED -> {
                    if (until.equals("started")) {
                        out.println("STARTED: the package set is resolved and the builds are queued (see the planner's"
                                + " /composes/<id>/metadata/packages.json)");
                        return OK;
                    }
                    return null;
                }
                case FINISHED, FINISHED_INCOMPLETE, DOOMED -> {
                    for (ImageCommitted image : images.values()) {
                        out.println(image.architecture() + ": ostree ref " + image.ref() + " commit " + image.commit());
                        out.println(image.architecture() + ": image " + image.imageReference() + "@"
                                + image.manifestDigest());
                        for (DiskImage disk : image.disks()) {
                            out.println(image.architecture() + ": disk " + disk.format() + " " + disk.location()
                                    + " sha256 " + disk.sha256() + " " + disk.sizeBytes() + " bytes");
                        }
                    }
                    for (ImagePublishFailed failure : failedImages.values()) {
                        err.println(failure.architecture() + ": no image: " + failure.stage() + ": " + failure.reason());
                    }
                    if (change.newStatus() != ComposeStatus.FINISHED) {
                        err.println("compose " + composeId + " ended " + change.newStatus()
                                + (change.reason() == null ? "" : ": " + change.reason()) + " (" + summary() + ")");
                        return FAILED;
                    }
                    return OK;
                }
                default -> {
                    return null;
                }
            }
        }

        private <T extends Event> T decode(EventType<T> type, ConsumerRecord<String, byte[]> record)
                throws InvalidEventException {
            return codec.decode(type, record.headers(), record.value()).payload();
        }
    }

    /** Null when a broker answers at {@code bootstrap} within the timeout (at most 10 s), else why not. */
    private static String brokerProblem(String bootstrap, Duration timeout) {
        int millis = (int) Math.min(timeout.toMillis(), 10_000);
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        } catch (TimeoutException e) {
            return "no answer within " + millis + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (KafkaException e) {
            return e.getMessage();
        }
    }

    static ObjectNode readManifest(Path path) {
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException(path + ": a manifest is a YAML mapping (name: …, version: …), not "
                    + (tree == null ? "an empty document" : "a " + tree.getNodeType().name().toLowerCase()));
        }
        return object;
    }

    private static String requester() {
        String user = System.getProperty("user.name", "unknown");
        try {
            return user + "@" + InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return user;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println("usage: SubmitCompose [--bootstrap host:port] [--until started|finished] [--timeout seconds]"
                + " MANIFEST.yaml");
        return USAGE;
    }
}
