package org.debian.bootc.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One versioned event type: its CloudEvents type, record class, topic and JSON Schema.
 *
 * <p>Versioning: adding an optional field keeps {@code v1}; a breaking change is a
 * new type ({@code .v2}) with its own schema and its own topic, and producers emit
 * both for a while. So a topic always carries exactly one type.
 */
public final class EventType<E extends Event> {

    public static final EventType<ComposeRequested> COMPOSE_REQUESTED = new EventType<>(
            "compose-requested", "compose.requested", ComposeRequested.class, Topics.COMPOSE_REQUESTED);
    public static final EventType<PackageBuildQueued> PACKAGE_BUILD_QUEUED = new EventType<>(
            "package-build-queued", "package-build.queued", PackageBuildQueued.class, Topics.PACKAGE_BUILD_QUEUED);
    /** Published on {@code build-tasks.<architecture>}; {@link #topic()} is the prefix. */
    public static final EventType<BuildTaskDispatched> BUILD_TASK_DISPATCHED = new EventType<>(
            "build-task-dispatched", "build-task.dispatched", BuildTaskDispatched.class, Topics.BUILD_TASKS_PREFIX);
    public static final EventType<ChrootReady> CHROOT_READY = new EventType<>(
            "chroot-ready", "chroot.ready", ChrootReady.class, Topics.CHROOT_READY);
    public static final EventType<PackageBuilt> PACKAGE_BUILT = new EventType<>(
            "package-built", "package.built", PackageBuilt.class, Topics.PACKAGE_BUILT);
    public static final EventType<ComposeBuilt> COMPOSE_BUILT = new EventType<>(
            "compose-built", "compose.built", ComposeBuilt.class, Topics.COMPOSE_BUILT);
    public static final EventType<ImageCommitted> IMAGE_COMMITTED = new EventType<>(
            "image-committed", "image.committed", ImageCommitted.class, Topics.IMAGE_COMMITTED);
    public static final EventType<ComposeStatusChanged> COMPOSE_STATUS_CHANGED = new EventType<>(
            "compose-status-changed", "compose.status-changed", ComposeStatusChanged.class, Topics.COMPOSE_STATUS);
    public static final EventType<TaskStatusChanged> TASK_STATUS_CHANGED = new EventType<>(
            "task-status-changed", "task.status-changed", TaskStatusChanged.class, Topics.TASK_STATUS);
    public static final EventType<ExecutorHeartbeat> EXECUTOR_HEARTBEAT = new EventType<>(
            "executor-heartbeat", "executor.heartbeat", ExecutorHeartbeat.class, Topics.EXECUTOR_HEARTBEAT);

    public static final EventType<ComposePlanned> COMPOSE_PLANNED = new EventType<>(
            "compose-planned", "compose.planned", ComposePlanned.class, Topics.COMPOSE_PLANNED);
    public static final EventType<ComposeCancelRequested> COMPOSE_CANCEL_REQUESTED = new EventType<>(
            "compose-cancel-requested", "compose.cancel-requested", ComposeCancelRequested.class,
            Topics.COMPOSE_CANCEL);
    public static final EventType<BuildTaskCancelled> BUILD_TASK_CANCELLED = new EventType<>(
            "build-task-cancelled", "build-task.cancelled", BuildTaskCancelled.class, Topics.BUILD_CANCELLATIONS);
    public static final EventType<ImagePublishFailed> IMAGE_PUBLISH_FAILED = new EventType<>(
            "image-publish-failed", "image.publish-failed", ImagePublishFailed.class, Topics.IMAGE_FAILED);

    private static final List<EventType<?>> ALL = List.of(COMPOSE_REQUESTED, COMPOSE_PLANNED,
            PACKAGE_BUILD_QUEUED, COMPOSE_CANCEL_REQUESTED, BUILD_TASK_DISPATCHED, BUILD_TASK_CANCELLED,
            CHROOT_READY, PACKAGE_BUILT, COMPOSE_BUILT, IMAGE_COMMITTED, IMAGE_PUBLISH_FAILED,
            COMPOSE_STATUS_CHANGED, TASK_STATUS_CHANGED, EXECUTOR_HEARTBEAT);

    private static final Map<String, EventType<?>> BY_TOPIC = ALL.stream()
            .filter(type -> type != BUILD_TASK_DISPATCHED)
            .collect(Collectors.toMap(EventType::topic, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    private static final Map<String, EventType<?>> BY_CE_TYPE = ALL.stream()
            .collect(Collectors.toMap(EventType::ceType, Function.identity(), (a, b) -> a, LinkedHashMap::new));

    private static final String CE_TYPE_PREFIX = "org.debian.bootc.";
    private static final String VERSION = "v1";

    private final String name;
    private final String ceType;
    private final Class<E> javaType;
    private final String topic;

    private EventType(String name, String entityAndEvent, Class<E> javaType, String topic) {
        this.name = name;
        this.ceType = CE_TYPE_PREFIX + entityAndEvent + "." + VERSION;
        this.javaType = javaType;
        this.topic = topic;
    }

    /** The CloudEvents {@code type}, {@code org.debian.bootc.<entity>.<event>.v1}. */
    public String ceType() {
        return ceType;
    }

    public Class<E> javaType() {
        return javaType;
    }

    /**
     * The topic the type is published on; for {@link #BUILD_TASK_DISPATCHED} the
     * prefix {@value Topics#BUILD_TASKS_PREFIX} (the event's own {@link Event#topic()}
     * adds its architecture).
     */
    public String topic() {
        return topic;
    }

    /** The classpath resource of the JSON Schema, e.g. {@code /schemas/compose-requested.v1.schema.json}. */
    public String schemaResource() {
        return "/schemas/" + name + "." + VERSION + ".schema.json";
    }

    public static List<EventType<?>> all() {
        return ALL;
    }

    /**
     * The type a topic carries: each event topic carries exactly one, every
     * {@code build-tasks.*} topic carries {@link #BUILD_TASK_DISPATCHED}, and
     * dead-letter or unknown topics give empty.
     */
    public static Optional<EventType<?>> forTopic(String topic) {
        if (topic == null || Topics.isDlq(topic)) {
            return Optional.empty();
        }
        if (topic.startsWith(Topics.BUILD_TASKS_PREFIX)
                && Topics.ARCHITECTURE.matcher(topic.substring(Topics.BUILD_TASKS_PREFIX.length())).matches()) {
            return Optional.of(BUILD_TASK_DISPATCHED);
        }
        return Optional.ofNullable(BY_TOPIC.get(topic));
    }

    public static Optional<EventType<?>> forCeType(String ceType) {
        return Optional.ofNullable(ceType == null ? null : BY_CE_TYPE.get(ceType));
    }

    /** The schema name, e.g. {@code compose-requested.v1}. */
    @Override
    public String toString() {
        return name + "." + VERSION;
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(ceType);
    }
}
