package org.debian.bootc.localstack.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.Topics;

/**
 * The kinds of invalid record every consumer must send to {@code <topic>.dlq}: an
 * unparseable payload, one that fails its schema, one without a CloudEvents id and
 * one over the size limit. Each is made from a valid event, so only one thing is wrong.
 */
public final class MalformedRecords {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One malformed record and a word its dead-letter reason must contain. */
    public record Case(String kind, Map<String, String> headers, byte[] payload, String reasonMentions) {
        @Override
        public String toString() {
            return kind;
        }
    }

    private MalformedRecords() {
    }

    /**
     * @param valid a valid event of the consumer's type
     * @param maxPayloadBytes the consumer's configured limit
     */
    public static List<Case> of(OutgoingEvent valid, int maxPayloadBytes) {
        String json = valid.payloadText();
        Map<String, String> noId = new LinkedHashMap<>(valid.headers());
        noId.remove(CloudEventHeaders.ID);
        // drop the first member of the object: every event's first component is required
        int firstComma = json.indexOf(',');
        String firstMember = json.substring(1, firstComma);
        String withoutFirst = "{" + json.substring(firstComma + 1);
        String firstName = firstMember.substring(1, firstMember.indexOf('"', 1));
        String oversized = json.substring(0, json.length() - 1) + ",\"padding\":\"" + "x".repeat(maxPayloadBytes) + "\"}";
        return List.of(
                new Case("unparseable", valid.headers(), json.substring(0, json.length() / 2).getBytes(StandardCharsets.UTF_8),
                        "not JSON"),
                new Case("schema", valid.headers(), withoutFirst.getBytes(StandardCharsets.UTF_8), firstName),
                new Case("missing-id", noId, valid.payload(), CloudEventHeaders.ID),
                new Case("oversized", valid.headers(), oversized.getBytes(StandardCharsets.UTF_8),
                        String.valueOf(maxPayloadBytes)));
    }

    /**
     * Sends each malformed case, then the valid event, then a marker (malformed) all
     * under one key, so on one partition in that order; asserts that each case
     * reaches {@code <topic>.dlq} unchanged with its reason, and that the marker
     * does too, which proves the consumer went on past the bad records and the good one.
     */
    public static void assertEachIsDeadLetteredAndConsumptionGoesOn(String bootstrap, OutgoingEvent valid,
            int maxPayloadBytes) {
        String topic = valid.topic();
        String key = "malformed-" + UUID.randomUUID();
        List<Case> cases = of(valid, maxPayloadBytes);
        try (TopicProbe dlq = new TopicProbe(bootstrap, Topics.dlq(topic))) {
            for (Case bad : cases) {
                TopicProbe.produce(bootstrap, topic, key, withCaseHeader(bad.headers(), bad.kind()), bad.payload());
            }
            TopicProbe.produce(bootstrap, topic, key, valid.headers(), valid.payload());
            Case marker = cases.get(0);
            TopicProbe.produce(bootstrap, topic, key, withCaseHeader(marker.headers(), "marker"), marker.payload());

            for (Case bad : cases) {
                ConsumerRecord<String, byte[]> dead = dlq.await(
                        r -> key.equals(r.key()) && bad.kind().equals(TopicProbe.header(r, "test-case")), WAIT);
                String reason = TopicProbe.header(dead, CloudEventHeaders.DLQ_REASON);
                check(reason != null && reason.contains(bad.reasonMentions()),
                        bad.kind() + ": dead-letter-reason should mention '" + bad.reasonMentions() + "' but was: "
                                + reason);
                check(Arrays.equals(bad.payload(), dead.value()), bad.kind() + ": the dead letter keeps the payload");
            }
            dlq.await(r -> key.equals(r.key()) && "marker".equals(TopicProbe.header(r, "test-case")), WAIT);
            long deadValid = dlq.seen().stream()
                    .filter(r -> key.equals(r.key()) && TopicProbe.header(r, "test-case") == null).count();
            check(deadValid == 0, "the valid event must not be dead-lettered");
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static Map<String, String> withCaseHeader(Map<String, String> headers, String kind) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put("test-case", kind);
        return copy;
    }
}
