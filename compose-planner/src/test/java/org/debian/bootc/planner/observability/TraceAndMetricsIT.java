package org.debian.bootc.planner.observability;

import static io.restassured.RestAssured.given;
import static org.debian.bootc.planner.PlannerFixtures.CODEC;
import static org.debian.bootc.planner.PlannerFixtures.encode;
import static org.debian.bootc.planner.PlannerFixtures.request;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A compose request with a {@code traceparent}: every event the planner writes about the
 * compose, from STARTED through its plan and builds to its end, carries the same trace
 * id; /q/metrics counts the transitions and the planning.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class TraceAndMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String TRANSITIONS = "bootc_planner_compose_status_changes_total";

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    private static void send(OutgoingEvent event, String traceparent) {
        Map<String, String> headers = new LinkedHashMap<>(event.headers());
        if (traceparent != null) {
            headers.put(CloudEventHeaders.TRACEPARENT, traceparent);
        }
        TopicProbe.produce(kafka(), event.topic(), event.key(), headers, event.payload());
    }

    private static TraceParent traceOf(ConsumerRecord<String, byte[]> record) {
        String header = TopicProbe.header(record, CloudEventHeaders.TRACEPARENT);
        assertNotNull(header, record.topic() + " " + record.key() + " carries no traceparent");
        return TraceParent.parse(header);
    }

    private static void assertInTrace(TraceParent expected, ConsumerRecord<String, byte[]> record) {
        TraceParent trace = traceOf(record);
        assertEquals(expected.traceId(), trace.traceId(), record.topic() + " is in the request's trace");
        assertNotEquals(expected.parentId(), trace.parentId(), record.topic() + " has the planner's own span id");
    }

    @Test
    void everyEventOfTheComposeCarriesTheRequestsTraceToItsEndAndMetricsMove() throws Exception {
        double startedBefore = PrometheusText.sample(TRANSITIONS, Map.of("status", "STARTED"));
        double doomedBefore = PrometheusText.sample(TRANSITIONS, Map.of("status", "DOOMED"));
        double plannedBefore = PrometheusText.sample("bootc_planner_planning_seconds_count",
                Map.of("outcome", "planned"));
        TraceParent requestTrace = TraceParent.newTrace();
        ObjectNode manifest = JsonNodeFactory.instance.objectNode()
                .put("name", "traced" + UUID.randomUUID().toString().substring(0, 8)).put("version", "1")
                .put("type", "ci").put("suite", "bookworm");
        manifest.putArray("architectures").add("amd64");
        manifest.putArray("packages").add("hello");
        manifest.putArray("rebuild").addObject().put("source", "hello");
        ComposeRequested request = new ComposeRequested(new RequestId("req-" + UUID.randomUUID()), manifest, "it");
        String requestId = request.requestId().value();
        try (TopicProbe probe = new TopicProbe(kafka(), Topics.COMPOSE_STATUS, Topics.COMPOSE_PLANNED,
                Topics.PACKAGE_BUILD_QUEUED)) {
            send(encode(request), requestTrace.toString());
            ConsumerRecord<String, byte[]> status = probe.await(
                    r -> r.topic().equals(Topics.COMPOSE_STATUS) && statusFor(r, requestId) != null, WAIT);
            assertEquals(ComposeStatus.STARTED, statusFor(status, requestId).newStatus());
            String composeId = status.key();
            ConsumerRecord<String, byte[]> planned = probe.await(
                    r -> r.topic().equals(Topics.COMPOSE_PLANNED) && composeId.equals(r.key()), WAIT);
            ConsumerRecord<String, byte[]> queued = probe.await(r -> r.topic().equals(Topics.PACKAGE_BUILD_QUEUED)
                    && new String(r.value(), StandardCharsets.UTF_8).contains(composeId), WAIT);
            for (ConsumerRecord<String, byte[]> r : List.of(status, planned, queued)) {
                assertInTrace(requestTrace, r);
            }
            assertEquals(startedBefore + 1, PrometheusText.sample(TRANSITIONS, Map.of("status", "STARTED")), 0.0);
            assertTrue(PrometheusText.sample("bootc_planner_planning_seconds_count", Map.of("outcome", "planned"))
                    >= plannedBefore + 1, "the planning timer counted the plan");

            // the end of the compose, much later: still in its trace
            ComposePlan plan = CODEC.decode(EventType.COMPOSE_PLANNED, planned.headers(), planned.value())
                    .payload().plan();
            ComposeId id = new ComposeId(composeId);
            ComposeBuilt built = new ComposeBuilt(id, List.of(new PackageResult(new TaskId(composeId + ":hello:amd64"),
                    "hello", "2.10-3", "amd64", TaskResult.FAILURE, List.of())), ComposeOutcome.DOOMED, plan);
            send(CODEC.encode(built, "/task-scheduler"), null);
            ConsumerRecord<String, byte[]> doomed = probe.await(r -> {
                var s = r.topic().equals(Topics.COMPOSE_STATUS) ? statusFor(r, requestId) : null;
                return s != null && s.newStatus() == ComposeStatus.DOOMED;
            }, WAIT);
            assertInTrace(requestTrace, doomed);
        }
        assertEquals(doomedBefore + 1, PrometheusText.sample(TRANSITIONS, Map.of("status", "DOOMED")), 0.0);
    }

    @Test
    void aRestRequestContinuesTheTraceOfItsHttpHeader() throws Exception {
        TraceParent requestTrace = TraceParent.newTrace();
        double rejectedBefore = PrometheusText.sample(TRANSITIONS, Map.of("status", "REJECTED"));
        String manifest = "{\"name\":\"restraced\",\"version\":\"1\",\"type\":\"weekly\",\"suite\":\"bookworm\","
                + "\"architectures\":[\"amd64\"],\"packages\":[\"hello\"]}";
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            int code = given().contentType("application/json").header(CloudEventHeaders.TRACEPARENT,
                    requestTrace.toString()).body(manifest.getBytes(StandardCharsets.UTF_8))
                    .post("/composes").then().extract().statusCode();
            assertNotEquals(202, code, "type 'weekly' is refused");
            ConsumerRecord<String, byte[]> rejected = status.await(r -> requestTrace.traceId().equals(
                    TraceParent.fromHeaders(r.headers()).map(TraceParent::traceId).orElse(null)), WAIT);
            assertInTrace(requestTrace, rejected);
        }
        assertEquals(rejectedBefore + 1, PrometheusText.sample(TRANSITIONS, Map.of("status", "REJECTED")), 0.0);
    }

    @Test
    void anInvalidTraceparentStartsANewTraceInsteadOfRejectingTheRequest() throws Exception {
        ComposeRequested template = request("untraced", "1");
        // type 'weekly' is rejected before planning: the cheapest path that writes an event
        ObjectNode manifest = template.manifest().deepCopy().put("type", "weekly");
        ComposeRequested request = new ComposeRequested(template.requestId(), manifest, template.requestedBy());
        String requestId = request.requestId().value();
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(encode(request), "00-not-a-trace-01");
            ConsumerRecord<String, byte[]> record = status.await(r -> statusFor(r, requestId) != null, WAIT);
            assertEquals(ComposeStatus.REJECTED, statusFor(record, requestId).newStatus(),
                    "rejected for its manifest, not for its traceparent");
            assertEquals(32, traceOf(record).traceId().length(), "a new, valid trace");
        }
    }
}
