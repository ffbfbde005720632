package org.debian.bootc.events;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Kafka topic names. Services map their channels to these names in
 * {@code application.properties}; nothing else spells a topic name.
 *
 * <p>Each topic carries exactly one event type (see {@link EventType#forTopic(String)}).
 * Every topic has a dead-letter companion, {@link #dlq(String)}, where consumers put
 * records they cannot read, with the reason in the
 * {@link CloudEventHeaders#DLQ_REASON dead-letter-reason} header.
 */
public final class Topics {

    public static final String COMPOSE_REQUESTED = "compose-requested";
    public static final String PACKAGE_BUILD_QUEUED = "package-build-queued";
    /** Build tasks are routed by architecture: {@code build-tasks.amd64}, {@code build-tasks.arm64}, ... */
    public static final String BUILD_TASKS_PREFIX = "build-tasks.";
    public static final String CHROOT_READY = "chroot-ready";
    public static final String PACKAGE_BUILT = "package-built";
    public static final String COMPOSE_BUILT = "compose-built";
    public static final String IMAGE_COMMITTED = "image-committed";
    public static final String COMPOSE_STATUS = "compose-status";
    public static final String TASK_STATUS = "task-status";
    public static final String EXECUTOR_HEARTBEAT = "executor-heartbeat";
    public static final String COMPOSE_PLANNED = "compose-planned";
    public static final String COMPOSE_CANCEL = "compose-cancel";
    /** Every executor reads this with a consumer group of its own: all of them see every cancellation. */
    public static final String BUILD_CANCELLATIONS = "build-cancellations";
    public static final String IMAGE_FAILED = "image-failed";

    /** Architectures that get a build-tasks topic out of the box. */
    public static final List<String> SUPPORTED_ARCHITECTURES = List.of("amd64", "arm64");

    static final String DLQ_SUFFIX = ".dlq";

    /** A Debian architecture name as dpkg spells it; also a legal Kafka topic fragment. */
    static final Pattern ARCHITECTURE = Pattern.compile("^[a-z0-9][a-z0-9-]*$");

    private static final List<String> ALL;

    static {
        List<String> main = new ArrayList<>(List.of(COMPOSE_REQUESTED, COMPOSE_PLANNED, PACKAGE_BUILD_QUEUED,
                COMPOSE_CANCEL));
        SUPPORTED_ARCHITECTURES.forEach(arch -> main.add(buildTasks(arch)));
        main.addAll(List.of(BUILD_CANCELLATIONS, CHROOT_READY, PACKAGE_BUILT, COMPOSE_BUILT, IMAGE_COMMITTED,
                IMAGE_FAILED,
                COMPOSE_STATUS, TASK_STATUS, EXECUTOR_HEARTBEAT));
        List<String> all = new ArrayList<>(main);
        main.forEach(topic -> all.add(dlq(topic)));
        ALL = List.copyOf(all);
    }

    private Topics() {
    }

    /**
     * The build-tasks topic of one architecture. Any Debian architecture name is
     * accepted, not only {@link #SUPPORTED_ARCHITECTURES}: a farm adds one by
     * creating the topic and starting executors for it.
     *
     * @throws IllegalArgumentException if {@code architecture} is not a Debian architecture name
     */
    public static String buildTasks(String architecture) {
        if (architecture == null || !ARCHITECTURE.matcher(architecture).matches()) {
            throw new IllegalArgumentException("architecture " + quote(architecture)
                    + " is not a Debian architecture name (lower-case letters, digits and '-', e.g. amd64)");
        }
        return BUILD_TASKS_PREFIX + architecture;
    }

    /**
     * The dead-letter topic of {@code topic}: {@code topic + ".dlq"}.
     *
     * @throws IllegalArgumentException if {@code topic} is blank or already a dead-letter topic
     */
    public static String dlq(String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank");
        }
        if (isDlq(topic)) {
            throw new IllegalArgumentException("topic '" + topic + "' is already a dead-letter topic");
        }
        return topic + DLQ_SUFFIX;
    }

    /** Whether {@code topic} is a dead-letter topic. */
    public static boolean isDlq(String topic) {
        return topic != null && topic.endsWith(DLQ_SUFFIX);
    }

    /**
     * Every topic the pipeline uses, in flow order: the event topics (with one
     * build-tasks topic per supported architecture), then their dead-letter topics.
     * This is the list the local stack and the Strimzi manifests create.
     */
    public static List<String> all() {
        return ALL;
    }

    static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
