package org.debian.bootc.planner.messaging;

import static org.debian.bootc.planner.PlannerFixtures.count;
import static org.debian.bootc.planner.PlannerFixtures.encode;
import static org.debian.bootc.planner.PlannerFixtures.request;
import static org.debian.bootc.planner.PlannerFixtures.send;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.MalformedRecords;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The planner's consumer on the real broker and database: effect, dedupe, dead letters. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ComposeRequestedIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    @Test
    void validRequestStartsComposeAndWritesItsDedupeRecord() throws Exception {
        ComposeRequested request = request("minimal", "1");
        OutgoingEvent event = encode(request);
        String requestId = request.requestId().value();
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), event);

            ConsumerRecord<String, byte[]> record = status.await(r -> statusFor(r, requestId) != null, WAIT);
            ComposeStatusChanged started = statusFor(record, requestId);
            assertEquals(ComposeStatus.STARTED, started.newStatus());
            assertNull(started.oldStatus());
            assertTrue(started.composeId().value().matches("minimal-1-\\d{8}\\.\\d+"), started.composeId().value());
            assertEquals(started.composeId().value(), record.key(), "compose-status is keyed by compose id");
            assertEquals(EventType.COMPOSE_STATUS_CHANGED.ceType(), TopicProbe.header(record, CloudEventHeaders.TYPE));
            assertTrue(TopicProbe.header(record, CloudEventHeaders.ID) != null);
            assertEquals("/compose-planner", TopicProbe.header(record, CloudEventHeaders.SOURCE));
            assertEquals("1.0", TopicProbe.header(record, CloudEventHeaders.SPECVERSION));
            assertEquals("application/json", TopicProbe.header(record, CloudEventHeaders.CONTENT_TYPE));

            assertEquals(1, count("select count(*) from processed_event where consumer = 'compose-planner' "
                    + "and event_id = ? and topic = 'compose-requested'", event.id()));
            assertEquals(1, count("select count(*) from compose where request_id = ? and compose_id = ? "
                    + "and status = 'STARTED'", requestId, started.composeId().value()));
            // the status, the plan and the builds leave through the outbox in one transaction; each
            // row is deleted once the broker has acknowledged it, just after the probe may see it
            String composeId = started.composeId().value();
            awaitCount(0, "select count(*) from outbox where msg_key = ?", composeId);
            try (TopicProbe planned = new TopicProbe(kafka(), Topics.COMPOSE_PLANNED)) {
                planned.await(r -> composeId.equals(r.key()), WAIT);
                planned.drain(Duration.ofSeconds(2));
                assertEquals(1, planned.seen().stream().filter(r -> composeId.equals(r.key())).count(),
                        "one compose-planned for the compose");
            }
        }
    }

    @Test
    void sameEventTwiceAndSameRequestUnderANewIdHaveOneEffect() throws Exception {
        ComposeRequested request = request("dedupe", "2");
        String requestId = request.requestId().value();
        OutgoingEvent first = encode(request);
        OutgoingEvent resentWithNewId = encode(request);
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), first);
            send(kafka(), first);
            send(kafka(), resentWithNewId);
            // All three share the key, so one partition, in order: once the third is
            // recorded, the second has been handled too.
            awaitCount(1, "select count(*) from processed_event where event_id = ?", resentWithNewId.id());

            status.await(r -> statusFor(r, requestId) != null, WAIT);
            List<ConsumerRecord<String, byte[]>> rest = status.drain(Duration.ofSeconds(2));
            long more = rest.stream().filter(r -> statusFor(r, requestId) != null).count();
            assertEquals(0, more, "one STARTED event for the request, not more");
            assertEquals(1, count("select count(*) from compose where request_id = ?", requestId));
            assertEquals(1, count("select count(*) from processed_event where event_id = ?", first.id()));
        }
    }

    @Test
    void invalidComposeTypeIsRejectedOnComposeStatusWithItsPointer() throws Exception {
        ComposeRequested template = request("weekly", "1");
        ObjectNode manifest = template.manifest().deepCopy().put("type", "weekly");
        ComposeRequested request = new ComposeRequested(template.requestId(), manifest, template.requestedBy());
        String requestId = request.requestId().value();
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), encode(request));
            ConsumerRecord<String, byte[]> record = status.await(r -> statusFor(r, requestId) != null, WAIT);
            ComposeStatusChanged rejected = statusFor(record, requestId);
            assertEquals(ComposeStatus.REJECTED, rejected.newStatus());
            assertNull(rejected.composeId());
            assertEquals(requestId, record.key(), "a rejected request is keyed by its request id");
            assertEquals(1, rejected.violations().size());
            assertEquals("/manifest/type", rejected.violations().get(0).pointer());
            assertEquals("\"weekly\"", rejected.violations().get(0).value());
            assertEquals(0, count("select count(*) from compose where request_id = ?", requestId));
        }
    }

    @Test
    void anInvalidDiskIsRejectedOnComposeStatusNamingEachMember() throws Exception {
        ComposeRequested template = request("disk", "1");
        ObjectNode manifest = template.manifest().deepCopy();
        manifest.putObject("disk").put("size", "4096G").putArray("kargs").add("ostree=/ostree/boot.0");
        ComposeRequested request = new ComposeRequested(template.requestId(), manifest, template.requestedBy());
        String requestId = request.requestId().value();
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), encode(request));
            ComposeStatusChanged rejected = statusFor(status.await(r -> statusFor(r, requestId) != null, WAIT),
                    requestId);
            assertEquals(ComposeStatus.REJECTED, rejected.newStatus());
            assertEquals(List.of("/manifest/disk/formats", "/manifest/disk/kargs/0", "/manifest/disk/size"),
                    rejected.violations().stream().map(v -> v.pointer()).toList());
            assertEquals("disk.formats is required", rejected.violations().get(0).reason());
            assertEquals("\"4096G\"", rejected.violations().get(2).value());
        }
    }

    static List<MalformedRecords.Case> malformed() {
        return MalformedRecords.of(encode(request("malformed", "1")), 524288);
    }

    @ParameterizedTest(name = "{0} goes to the .dlq with a reason and the next request is processed")
    @MethodSource("malformed")
    void malformedEventGoesToDeadLetterTopicAndConsumerGoesOn(MalformedRecords.Case bad) throws Exception {
        String badKey = "bad-" + bad.kind() + "-" + UUID.randomUUID();
        ComposeRequested next = request("after-" + bad.kind(), "1");
        String nextRequest = next.requestId().value();
        try (TopicProbe dlq = new TopicProbe(kafka(), Topics.dlq(Topics.COMPOSE_REQUESTED));
                TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            TopicProbe.produce(kafka(), Topics.COMPOSE_REQUESTED, badKey, bad.headers(), bad.payload());
            send(kafka(), encode(next));

            ConsumerRecord<String, byte[]> dead = dlq.await(r -> badKey.equals(r.key()), WAIT);
            String reason = TopicProbe.header(dead, CloudEventHeaders.DLQ_REASON);
            assertTrue(reason != null && reason.contains(bad.reasonMentions()),
                    "dead-letter-reason should mention " + bad.reasonMentions() + " but was: " + reason);
            assertArrayEquals(bad.payload(), dead.value(), "the dead letter keeps the original payload");

            ConsumerRecord<String, byte[]> started = status.await(r -> statusFor(r, nextRequest) != null, WAIT);
            assertEquals(ComposeStatus.STARTED, statusFor(started, nextRequest).newStatus());
            assertEquals(Topics.COMPOSE_REQUESTED, TopicProbe.header(dead, "dead-letter-topic"));
            long offset = Long.parseLong(TopicProbe.header(dead, "dead-letter-offset"));
            int partition = Integer.parseInt(TopicProbe.header(dead, "dead-letter-partition"));
            assertEquals(0, count("select count(*) from processed_event where topic = 'compose-requested' "
                    + "and kafka_offset = ? and kafka_partition = ?", offset, partition),
                    "a dead-lettered record leaves no dedupe record");
        }
    }

    private static void awaitCount(long expected, String sql, Object... args) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long seen;
        do {
            seen = count(sql, args);
            if (seen == expected) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + expected + " rows for " + sql + " but saw " + seen);
    }
}
