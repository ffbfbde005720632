package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @Test
    void buildTasksTopicPerArchitecture() {
        assertEquals("build-tasks.amd64", Topics.buildTasks("amd64"));
        assertEquals("build-tasks.riscv64", Topics.buildTasks("riscv64"));
        assertEquals("build-tasks.hurd-i386", Topics.buildTasks("hurd-i386"));
    }

    @ParameterizedTest(name = "architecture \"{0}\" is refused")
    @ValueSource(strings = {"", "AMD64", "amd64/x", "-amd64", "amd 64", "build-tasks.amd64"})
    void buildTasksRefusesWhatIsNotAnArchitecture(String architecture) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Topics.buildTasks(architecture));
        assertEquals("architecture '" + architecture
                + "' is not a Debian architecture name (lower-case letters, digits and '-', e.g. amd64)", e.getMessage());
    }

    @Test
    void dlqAppendsTheSuffixOnce() {
        assertEquals("compose-requested.dlq", Topics.dlq(Topics.COMPOSE_REQUESTED));
        assertEquals("build-tasks.arm64.dlq", Topics.dlq(Topics.buildTasks("arm64")));
        assertEquals("topic 'compose-requested.dlq' is already a dead-letter topic",
                assertThrows(IllegalArgumentException.class, () -> Topics.dlq("compose-requested.dlq")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.dlq(" "));
    }

    @Test
    void allListsEveryTopicAndItsDeadLetterTopic() {
        List<String> main = List.of("compose-requested", "compose-planned", "package-build-queued",
                "compose-cancel", "build-tasks.amd64", "build-tasks.arm64", "build-cancellations", "chroot-ready",
                "package-built", "compose-built", "image-committed", "image-failed", "compose-status", "task-status",
                "executor-heartbeat");
        List<String> expected = new java.util.ArrayList<>(main);
        main.forEach(topic -> expected.add(topic + ".dlq"));
        assertEquals(expected, Topics.all());
        assertEquals(Topics.all().size(), new HashSet<>(Topics.all()).size());
        assertEquals(List.of("amd64", "arm64"), Topics.SUPPORTED_ARCHITECTURES);
    }

    @Test
    void everyTopicIsALegalKafkaTopicName() {
        for (String topic : Topics.all()) {
            assertTrue(topic.matches("[a-zA-Z0-9._-]{1,249}"), topic);
        }
    }

    @Test
    void eachEventTopicCarriesExactlyOneType() {
        Set<EventType<?>> seen = new HashSet<>();
        for (String topic : Topics.all()) {
            Optional<EventType<?>> type = EventType.forTopic(topic);
            assertEquals(Topics.isDlq(topic), type.isEmpty(), topic);
            type.ifPresent(seen::add);
        }
        assertEquals(Set.copyOf(EventType.all()), seen, "every type has a topic");
        assertEquals(Optional.of(EventType.BUILD_TASK_DISPATCHED), EventType.forTopic("build-tasks.riscv64"));
        assertEquals(Optional.empty(), EventType.forTopic("build-tasks."));
        assertEquals(Optional.empty(), EventType.forTopic("build-tasks.riscv64.dlq"));
        assertEquals(Optional.empty(), EventType.forTopic("no-such-topic"));
        assertEquals(Optional.empty(), EventType.forTopic(null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.debian.bootc.events.SchemaConformanceTest#types")
    void typeAttributes(EventType<?> type) {
        assertTrue(type.ceType().matches("org\\.debian\\.bootc\\.[a-z-]+\\.[a-z-]+\\.v1"), type.ceType());
        assertEquals(Optional.of(type), EventType.forCeType(type.ceType()));
        assertTrue(type.schemaResource().matches("/schemas/[a-z-]+\\.v1\\.schema\\.json"), type.schemaResource());
        assertNotNull(EventType.class.getResource(type.schemaResource()), type.schemaResource());
        Event sample = Samples.of(type);
        assertEquals(type, sample.eventType());
        assertTrue(type.javaType().isInstance(sample));
        if (type == EventType.BUILD_TASK_DISPATCHED) {
            assertEquals(Topics.BUILD_TASKS_PREFIX, type.topic());
            assertEquals("build-tasks.amd64", sample.topic());
        } else {
            assertEquals(type.topic(), sample.topic());
            assertEquals(Optional.of(type), EventType.forTopic(type.topic()));
        }
    }

    @Test
    void ceTypesAsNamedInTheDesign() {
        assertEquals("org.debian.bootc.compose.requested.v1", EventType.COMPOSE_REQUESTED.ceType());
        assertEquals("/schemas/compose-requested.v1.schema.json", EventType.COMPOSE_REQUESTED.schemaResource());
        assertEquals(Optional.empty(), EventType.forCeType("org.debian.bootc.compose.requested.v2"));
        assertFalse(EventType.all().isEmpty());
        assertEquals(14, EventType.all().size());
    }

    @Test
    void keysAreTheAggregateIds() {
        assertEquals(Samples.REQUEST_ID.value(), Samples.composeRequested().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.packageBuildQueued().key());
        assertEquals(Samples.TASK_ID.value(), Samples.buildTaskDispatched().key());
        assertEquals(Samples.TASK_ID.value(), Samples.chrootReady().key());
        assertEquals(Samples.TASK_ID.value(), Samples.packageBuilt().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.composeBuilt().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.imageCommitted().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.composeStatusChanged().key());
        assertEquals(Samples.TASK_ID.value(), Samples.taskStatusChanged().key());
        assertEquals(Samples.EXECUTOR_ID.value(), Samples.executorHeartbeat().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.composePlanned().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.composeCancelRequested().key());
        assertEquals(Samples.TASK_ID.value(), Samples.buildTaskCancelled().key());
        assertEquals(Samples.COMPOSE_ID.value(), Samples.imagePublishFailed().key());
    }

    @Test
    void deadLetterHeadersAreSmallRyes() {
        assertEquals("dead-letter-reason", CloudEventHeaders.DLQ_REASON);
        assertEquals("dead-letter-cause", CloudEventHeaders.DLQ_CAUSE);
        assertEquals("dead-letter-topic", CloudEventHeaders.DLQ_TOPIC);
        assertEquals("dead-letter-partition", CloudEventHeaders.DLQ_PARTITION);
        assertEquals("dead-letter-offset", CloudEventHeaders.DLQ_OFFSET);
        assertEquals("dead-letter-exception-class-name", CloudEventHeaders.DLQ_EXCEPTION_CLASS_NAME);
        assertEquals("dead-letter-cause-class-name", CloudEventHeaders.DLQ_CAUSE_CLASS_NAME);
    }
}
