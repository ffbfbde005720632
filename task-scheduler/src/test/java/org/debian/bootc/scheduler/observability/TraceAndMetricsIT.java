package org.debian.bootc.scheduler.observability;

import static org.debian.bootc.scheduler.Fixtures.CODEC;
import static org.debian.bootc.scheduler.Fixtures.WAIT;
import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.chrootReady;
import static org.debian.bootc.scheduler.Fixtures.deb;
import static org.debian.bootc.scheduler.Fixtures.heartbeat;
import static org.debian.bootc.scheduler.Fixtures.kafka;
import static org.debian.bootc.scheduler.Fixtures.newCompose;
import static org.debian.bootc.scheduler.Fixtures.planned;
import static org.debian.bootc.scheduler.Fixtures.queued;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The planner's records carry the compose's trace: the scheduler's dispatch, task status
 * and compose-built carry the same trace id. On an architecture of its own, so the gauges
 * and counters it reads move only with this test.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class TraceAndMetricsIT {

    private static final String EXECUTOR = "observability-executor";
    private static final TraceParent COMPOSE_TRACE = TraceParent.parse(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

    private static void sendTraced(Event event) {
        OutgoingEvent out = CODEC.encode(event, "/compose-planner");
        Map<String, String> headers = new LinkedHashMap<>(out.headers());
        headers.put(CloudEventHeaders.TRACEPARENT, COMPOSE_TRACE.child().toString());
        TopicProbe.produce(kafka(), out.topic(), out.key(), headers, out.payload());
    }

    private static void assertInComposeTrace(ConsumerRecord<String, byte[]> record) {
        String header = TopicProbe.header(record, CloudEventHeaders.TRACEPARENT);
        assertNotNull(header, record.topic() + " " + record.key() + " has no traceparent");
        TraceParent trace = TraceParent.parse(header);
        assertEquals(COMPOSE_TRACE.traceId(), trace.traceId(), record.topic() + " is in the compose's trace");
        assertNotEquals(COMPOSE_TRACE.parentId(), trace.parentId());
    }

    @Test
    void dispatchStatusAndHandoffCarryTheComposeTraceAndTheMetricsFollowTheTask() throws Exception {
        String arch = "obs" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        ComposeId compose = newCompose();
        TaskId task = taskId(compose, "hello", arch);
        Map<String, String> archTag = Map.of("architecture", arch);
        try (TopicProbe dispatches = new TopicProbe(kafka(), Topics.buildTasks(arch));
                TopicProbe statuses = new TopicProbe(kafka(), Topics.TASK_STATUS);
                TopicProbe handoff = new TopicProbe(kafka(), Topics.COMPOSE_BUILT)) {
            sendTraced(queued(compose, "hello", arch, null));
            assertEquals(1, PrometheusText.await("bootc_scheduler_queue_depth", archTag, 1, WAIT),
                    "a pending task is queued");
            assertEquals(1, PrometheusText.await("bootc_scheduler_tasks",
                    Map.of("architecture", arch, "status", "pending"), 1, WAIT));

            send(heartbeat(EXECUTOR, List.of(arch)));
            sendTraced(planned(compose, task));
            ConsumerRecord<String, byte[]> dispatch = dispatches.await(r -> task.value().equals(r.key()), WAIT);
            assertInComposeTrace(dispatch);
            assertEquals(1, PrometheusText.await("bootc_scheduler_dispatches_total", archTag, 1, WAIT));
            assertEquals(1, PrometheusText.await("bootc_scheduler_tasks",
                    Map.of("architecture", arch, "status", "running"), 1, WAIT));
            assertEquals(1, PrometheusText.await("bootc_scheduler_queue_depth", archTag, 1, WAIT),
                    "dispatched, no executor has taken it yet");

            send(chrootReady(task, 1, compose, EXECUTOR, arch));
            assertEquals(0, PrometheusText.await("bootc_scheduler_queue_depth", archTag, 0, WAIT),
                    "taken by an executor: no longer queued");

            send(built(task, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(task, "hello_1.0-1_" + arch + ".deb")));
            ConsumerRecord<String, byte[]> done = handoff.await(r -> compose.value().equals(r.key()), WAIT);
            assertInComposeTrace(done);
            // the first, written with the task itself (pending), then every later one
            assertInComposeTrace(statuses.await(r -> task.value().equals(r.key()), WAIT));
            statuses.drain(Duration.ofSeconds(1)).stream().filter(r -> Objects.equals(r.key(), task.value()))
                    .forEach(TraceAndMetricsIT::assertInComposeTrace);
            assertEquals(1, PrometheusText.await("bootc_scheduler_tasks",
                    Map.of("architecture", arch, "status", "completed"), 1, WAIT));
            assertEquals(0, PrometheusText.sample("bootc_scheduler_retries_total", archTag), 0.0);
        }
    }
}
