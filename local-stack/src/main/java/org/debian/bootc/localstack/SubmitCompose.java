package org.debian.bootc.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.Map;
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

import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
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

    /** Held so the JDK does not drop the configured level with the logger. */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    private SubmitCompose() {
    }

    public static void main(String[] args) {
        // The Kafka clients log every config value, and every failed connection attempt; this
        // command reports what matters itself.
        KAFKA_LOG.setLevel(java.util.logging.Level.OFF);
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
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
        try (TopicProbe status = new TopicProbe(bootstrap, Topics.COMPOSE_STATUS)) {
            TopicProbe.produce(bootstrap, event.topic(), event.key(), event.headers(), event.payload());
            out.println("submitted " + manifestPath + " as request " + requestId.value() + " (event " + event.id() + ")");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecord<String, byte[]> record;
                try {
                    record = status.await(r -> about(codec, r, requestId), Duration.ofNanos(deadline - System.nanoTime()));
                } catch (AssertionError nothing) {
                    break;
                }
                ComposeStatusChanged change = codec.decode(EventType.COMPOSE_STATUS_CHANGED, record.headers(),
                        record.value()).payload();
                Integer exit = report(change, until, out, err);
                if (exit != null) {
                    return exit;
                }
            }
        } catch (InvalidEventException e) {
            err.println("compose-status carried an invalid event: " + e.reason());
            return FAILED;
        }
        err.println("no answer on " + Topics.COMPOSE_STATUS + " within " + timeout.toSeconds()
                + " s: is the compose-planner running and connected to " + bootstrap + "?");
        return TIMED_OUT;
    }

    /** Prints one status change; returns the exit code when it ends the wait. */
    private static Integer report(ComposeStatusChanged change, String until, PrintStream out, PrintStream err) {
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
                            + " /composes/<id>/metadata/packages.json); this command does not yet follow the builds"
                            + " and the image to FINISHED.");
                    return OK;
                }
                return null;
            }
            case FINISHED -> {
                return OK;
            }
            default -> {
                return change.newStatus() == ComposeStatus.DOOMED || change.newStatus() == ComposeStatus.FINISHED_INCOMPLETE
                        ? FAILED : null;
            }
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

    private static boolean about(EventCodec codec, ConsumerRecord<String, byte[]> record, RequestId requestId) {
        try {
            return codec.decode(EventType.COMPOSE_STATUS_CHANGED, record.headers(), record.value()).payload()
                    .requestId().equals(requestId);
        } catch (InvalidEventException e) {
            return false;
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
