package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {

    private static final Instant TIME = Instant.parse("2025-01-31T12:00:00.123Z");
    private static final String SOURCE = "/compose-planner";

    private final EventCodec codec = new EventCodec();
    private final ObjectMapper json = new ObjectMapper();

    private OutgoingEvent sample() {
        return codec.encode(Samples.packageBuildQueued(), SOURCE, "id-1", TIME);
    }

    private Map<String, String> headers() {
        return new HashMap<>(sample().headers());
    }

    private String rejection(Map<String, String> headers, byte[] payload) {
        return rejection(codec, headers, payload);
    }

    private static String rejection(EventCodec codec, Map<String, String> headers, byte[] payload) {
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers, payload));
        assertEquals(e.reason(), e.getMessage(), "SmallRye writes the message into dead-letter-reason");
        assertFalse(e.reason().contains("\n"), "a header value is one line");
        assertTrue(e.reason().length() <= InvalidEventException.MAX_REASON_LENGTH);
        assertFalse(e.violations().isEmpty());
        return e.reason();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // --- header round trip ----------------------------------------------------------

    @Test
    void encodeWritesTheSixHeadersInOrder() {
        OutgoingEvent out = sample();
        assertEquals(List.of("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type"),
                List.copyOf(out.headers().keySet()));
        assertEquals(Map.of(
                CloudEventHeaders.SPECVERSION, "1.0",
                CloudEventHeaders.ID, "id-1",
                CloudEventHeaders.TYPE, "org.debian.bootc.package-build.queued.v1",
                CloudEventHeaders.SOURCE, SOURCE,
                CloudEventHeaders.TIME, "2025-01-31T12:00:00.123Z",
                CloudEventHeaders.CONTENT_TYPE, "application/json"), out.headers());
        assertEquals("package-build-queued", out.topic());
        assertEquals("minimal-1-20250131.n.0", out.key());
        assertEquals("id-1", out.id());
        assertEquals(EventType.PACKAGE_BUILD_QUEUED.ceType(), out.type());
    }

    @Test
    void headersRoundTripThroughAMap() throws Exception {
        OutgoingEvent out = sample();
        IncomingEvent<PackageBuildQueued> in = codec.decode(EventType.PACKAGE_BUILD_QUEUED, out.headers(),
                out.payload());
        assertEquals("id-1", in.id());
        assertEquals(EventType.PACKAGE_BUILD_QUEUED.ceType(), in.type());
        assertEquals(SOURCE, in.source());
        assertEquals(TIME, in.time());
        assertEquals(Samples.packageBuildQueued(), in.payload());
    }

    @Test
    void headersRoundTripThroughKafkaHeaders() throws Exception {
        OutgoingEvent out = sample();
        Headers kafka = out.kafkaHeaders();
        assertEquals("1.0", new String(kafka.lastHeader("ce_specversion").value(), StandardCharsets.UTF_8));
        IncomingEvent<PackageBuildQueued> in = codec.decode(EventType.PACKAGE_BUILD_QUEUED, kafka, out.payload());
        assertEquals("id-1", in.id());
        assertEquals(SOURCE, in.source());
        assertEquals(TIME, in.time());
        assertEquals(Samples.packageBuildQueued(), in.payload());
    }

    @Test
    void producerRecordCarriesTopicKeyHeadersAndPayload() throws Exception {
        OutgoingEvent out = codec.encode(Samples.buildTaskDispatched(), SOURCE, "id-1", TIME);
        ProducerRecord<String, byte[]> record = out.toProducerRecord();
        assertEquals("build-tasks.amd64", record.topic());
        assertNull(record.partition());
        assertEquals(Samples.TASK_ID.value(), record.key());
        assertArrayEquals(out.payload(), record.value());
        assertEquals(Samples.buildTaskDispatched(),
                codec.decode(EventType.BUILD_TASK_DISPATCHED, record.headers(), record.value()).payload());
    }

    @Test
    void ofARepeatedKafkaHeaderTheLastCounts() throws Exception {
        OutgoingEvent out = sample();
        Headers kafka = out.kafkaHeaders();
        kafka.add(CloudEventHeaders.ID, bytes("id-2"));
        assertEquals("id-2", codec.decode(EventType.PACKAGE_BUILD_QUEUED, kafka, out.payload()).id());
    }

    @Test
    void kafkaHeadersAreCheckedLikeMapHeaders() {
        OutgoingEvent out = sample();
        RecordHeaders kafka = new RecordHeaders();
        out.headers().forEach((k, v) -> {
            if (!k.equals(CloudEventHeaders.TYPE)) {
                kafka.add(k, bytes(v));
            }
        });
        kafka.add(CloudEventHeaders.TYPE, null);
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.decode(EventType.PACKAGE_BUILD_QUEUED, kafka, out.payload()));
        assertEquals("header ce_type is missing", e.reason());
    }

    @Test
    void encodeWithoutIdAndTimeMakesThem() {
        Instant before = Instant.now();
        OutgoingEvent a = codec.encode(Samples.packageBuildQueued(), SOURCE);
        OutgoingEvent b = codec.encode(Samples.packageBuildQueued(), SOURCE);
        UUID.fromString(a.id());
        assertNotEquals(a.id(), b.id());
        Instant time = Instant.parse(a.headers().get(CloudEventHeaders.TIME));
        assertFalse(time.isBefore(before));
        assertTrue(Duration.between(before, time).toSeconds() < 60);
    }

    @Test
    void outgoingEventIsAValue() {
        assertEquals(sample(), sample());
        assertEquals(sample().hashCode(), sample().hashCode());
        byte[] payload = sample().payload();
        payload[0] = 'X';
        assertArrayEquals(sample().payload(), sample().payload());
        assertEquals('{', sample().payload()[0]);
    }

    @Test
    void decodeOrRejectReadsAConsumerRecord() {
        OutgoingEvent out = sample();
        ConsumerRecord<String, byte[]> record = record(out.kafkaHeaders(), out.payload());
        IncomingEvent<PackageBuildQueued> in = codec.decodeOrReject(EventType.PACKAGE_BUILD_QUEUED, record);
        assertEquals(Samples.packageBuildQueued(), in.payload());
        assertEquals("id-1", in.id());
    }

    @Test
    void decodeOrRejectThrowsUncheckedWithTheReasonAsMessage() {
        OutgoingEvent out = sample();
        Headers headers = out.kafkaHeaders();
        headers.remove(CloudEventHeaders.SOURCE);
        RejectedEventException e = assertThrows(RejectedEventException.class,
                () -> codec.decodeOrReject(EventType.PACKAGE_BUILD_QUEUED, record(headers, out.payload())));
        assertEquals("header ce_source is missing", e.getMessage());
        assertEquals(e.getMessage(), e.reason());
        assertEquals(List.of("header ce_source is missing"), e.violations());
        assertEquals("header ce_source is missing", e.getCause().reason());
    }

    private static ConsumerRecord<String, byte[]> record(Headers headers, byte[] payload) {
        return new ConsumerRecord<>("package-build-queued", 0, 42L, ConsumerRecord.NO_TIMESTAMP,
                TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE,
                "minimal-1-20250131.n.0", payload, headers, Optional.empty());
    }

    // --- payload presence and size --------------------------------------------------------

    @Test
    void nullPayloadIsRejected() {
        assertEquals("payload is missing (null record value, e.g. a tombstone); expected a JSON object",
                rejection(headers(), null));
    }

    @Test
    void emptyPayloadIsRejected() {
        assertEquals("payload is empty (0 bytes); expected a JSON object", rejection(headers(), new byte[0]));
    }

    @Test
    void payloadOverTheLimitIsRejectedWithSizeAndLimit() {
        byte[] payload = sample().payload();
        EventCodec small = new EventCodec(payload.length - 1);
        assertEquals("payload is " + payload.length + " bytes, over the limit of " + (payload.length - 1) + " bytes",
                rejection(small, headers(), payload));
    }

    @Test
    void payloadAtTheLimitIsAccepted() throws Exception {
        byte[] payload = sample().payload();
        new EventCodec(payload.length).decode(EventType.PACKAGE_BUILD_QUEUED, headers(), payload);
    }

    @Test
    void defaultLimitIsOneMebibyte() {
        assertEquals(1_048_576, EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
        assertEquals(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES, codec.maxPayloadBytes());
        String padding = "x".repeat(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES);
        String reason = rejection(headers(), bytes("{\"padding\":\"" + padding + "\"}"));
        assertTrue(reason.startsWith("payload is 1048590 bytes, over the limit of 1048576 bytes"), reason);
    }

    @Test
    void encodeRefusesAPayloadOverTheLimit() {
        EventCodec tiny = new EventCodec(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiny.encode(Samples.packageBuildQueued(), SOURCE));
        assertTrue(e.getMessage().matches("PackageBuildQueued payload is \\d+ bytes, over the limit of 100 bytes"),
                e.getMessage());
    }

    // --- headers ----------------------------------------------------------------------

    @ParameterizedTest(name = "missing {0} is rejected")
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source", "ce_specversion"})
    void missingRequiredHeaderIsRejected(String header) {
        Map<String, String> headers = headers();
        headers.remove(header);
        assertEquals("header " + header + " is missing", rejection(headers, sample().payload()));
    }

    @ParameterizedTest(name = "blank {0} is rejected")
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source", "ce_specversion"})
    void blankRequiredHeaderIsRejected(String header) {
        Map<String, String> headers = headers();
        headers.put(header, " ");
        assertEquals("header " + header + " is blank", rejection(headers, sample().payload()));
    }

    @Test
    void noHeadersAtAllIsRejected() {
        assertEquals("header ce_id is missing", rejection(null, sample().payload()));
    }

    @Test
    void otherSpecVersionIsRejected() {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.SPECVERSION, "0.3");
        assertEquals("header ce_specversion is '0.3', expected '1.0'", rejection(headers, sample().payload()));
    }

    @Test
    void sourceThatIsNotAUriReferenceIsRejected() {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.SOURCE, "compose planner");
        assertEquals("header ce_source 'compose planner' is not a URI reference: Illegal character in path",
                rejection(headers, sample().payload()));
    }

    @ParameterizedTest(name = "ce_time {0} is rejected")
    @ValueSource(strings = {"yesterday", "2025-01-31", "2025-01-31T12:00Z", "2025-01-31 12:00:00Z",
            "2025-01-31T12:00:00", "2025-02-30T12:00:00Z", "2025-01-31T25:00:00Z"})
    void timeThatIsNotRfc3339IsRejected(String time) {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.TIME, time);
        String reason = rejection(headers, sample().payload());
        assertTrue(reason.startsWith("header ce_time '" + time
                + "' is not an RFC 3339 date-time (e.g. 2025-01-31T12:00:00Z)"), reason);
    }

    @Test
    void timeWithAnOffsetIsAccepted() throws Exception {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.TIME, "2025-01-31T13:00:00.5+01:00");
        assertEquals(Instant.parse("2025-01-31T12:00:00.5Z"),
                codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers, sample().payload()).time());
    }

    @Test
    void missingTimeIsAllowed() throws Exception {
        Map<String, String> headers = headers();
        headers.remove(CloudEventHeaders.TIME);
        assertNull(codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers, sample().payload()).time());
    }

    @Test
    void typeOfAnotherTopicIsRejected() {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.TYPE, EventType.COMPOSE_REQUESTED.ceType());
        assertEquals("header ce_type is 'org.debian.bootc.compose.requested.v1', expected "
                + "'org.debian.bootc.package-build.queued.v1' (the only type topic package-build-queued carries)",
                rejection(headers, sample().payload()));
    }

    @Test
    void typeMismatchOnABuildTasksTopicNamesThePrefix() {
        OutgoingEvent out = codec.encode(Samples.buildTaskDispatched(), SOURCE);
        Map<String, String> headers = new HashMap<>(out.headers());
        headers.put(CloudEventHeaders.TYPE, "org.debian.bootc.build-task.dispatched.v2");
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.decode(EventType.BUILD_TASK_DISPATCHED, headers, out.payload()));
        assertEquals("header ce_type is 'org.debian.bootc.build-task.dispatched.v2', expected "
                + "'org.debian.bootc.build-task.dispatched.v1' (the only type topic build-tasks.<architecture> carries)",
                e.reason());
    }

    @Test
    void contentTypeOtherThanJsonIsRejected() {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.CONTENT_TYPE, "text/plain");
        assertEquals("header content-type is 'text/plain', expected 'application/json'",
                rejection(headers, sample().payload()));
    }

    @Test
    void structuredModeIsRejectedWithAHint() {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.CONTENT_TYPE, "application/cloudevents+json; charset=UTF-8");
        assertTrue(rejection(headers, sample().payload()).endsWith(
                "(structured content mode is not supported; send the data as the value and the attributes as ce_* headers)"));
    }

    @ParameterizedTest(name = "content-type {0} is accepted")
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON"})
    void jsonContentTypesAreAccepted(String contentType) throws Exception {
        Map<String, String> headers = headers();
        headers.put(CloudEventHeaders.CONTENT_TYPE, contentType);
        codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers, sample().payload());
    }

    @Test
    void missingContentTypeIsAllowed() throws Exception {
        Map<String, String> headers = headers();
        headers.remove(CloudEventHeaders.CONTENT_TYPE);
        codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers, sample().payload());
    }

    // --- JSON syntax ------------------------------------------------------------------

    @Test
    void payloadThatIsNotJsonIsRejected() {
        String reason = rejection(headers(), bytes("{\"composeId\": minimal}"));
        assertTrue(reason.startsWith("payload is not JSON: Unrecognized token 'minimal'"), reason);
        assertTrue(reason.endsWith("at line 1, column 15"), reason);
    }

    @Test
    void truncatedJsonIsRejected() {
        String reason = rejection(headers(), bytes("{\"composeId\": \"minimal"));
        assertTrue(reason.startsWith("payload is not JSON: Unexpected end-of-input"), reason);
    }

    @Test
    void whiteSpaceOnlyIsRejected() {
        assertEquals("payload is not JSON: it holds only white space", rejection(headers(), bytes(" \n ")));
    }

    @Test
    void trailingContentIsRejected() {
        String reason = rejection(headers(), bytes("{} {}"));
        assertTrue(reason.startsWith("payload is not JSON: Trailing token"), reason);
    }

    @Test
    void duplicateMembersAreRejected() {
        String reason = rejection(headers(), bytes("{\"suite\":\"bookworm\",\"suite\":\"trixie\"}"));
        assertTrue(reason.startsWith("payload is not JSON: Duplicate field 'suite'"), reason);
    }

    @Test
    void trailingNewlineIsFine() throws Exception {
        byte[] payload = bytes(sample().payloadText() + "\n");
        codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers(), payload);
    }

    @Test
    void jsonArrayIsRejected() {
        assertEquals("payload is a JSON array, expected a JSON object", rejection(headers(), bytes("[1, 2]")));
    }

    @Test
    void jsonStringIsRejected() {
        assertEquals("payload is a JSON string, expected a JSON object", rejection(headers(), bytes("\"hello\"")));
    }

    // --- schema and binding -------------------------------------------------------------

    @Test
    void schemaViolationsAreListedWithPointerValueAndWhy() throws Exception {
        ObjectNode payload = (ObjectNode) json.readTree(sample().payload());
        payload.put("architecture", "AMD 64");
        payload.remove("suite");
        ((ObjectNode) payload.get("source")).put("version", 2);
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers(), json.writeValueAsBytes(payload)));
        assertEquals("payload does not match schema package-build-queued.v1 (3 violations): "
                + "/architecture: does not match the regex pattern ^[a-z0-9][a-z0-9-]*$ (value \"AMD 64\"); "
                + "/source/version: integer found, string expected (value 2); "
                + "/suite: required property 'suite' not found", e.reason());
        assertEquals(List.of(
                "/architecture: does not match the regex pattern ^[a-z0-9][a-z0-9-]*$ (value \"AMD 64\")",
                "/source/version: integer found, string expected (value 2)",
                "/suite: required property 'suite' not found"), e.violations());
        assertEquals(new Violation("/suite", null, "required property 'suite' not found"),
                e.payloadViolations().get(2));
    }

    @Test
    void manyViolationsKeepTheReasonShortButAllViolations() throws Exception {
        ObjectNode payload = (ObjectNode) json.readTree(sample().payload());
        ArrayNode waitsFor = payload.putArray("waitsFor");
        for (int i = 0; i < 200; i++) {
            waitsFor.add("bad task id " + i);
        }
        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers(), json.writeValueAsBytes(payload)));
        assertEquals(InvalidEventException.MAX_REASON_LENGTH, e.reason().length());
        assertTrue(e.reason().endsWith("…"));
        assertTrue(e.reason().startsWith("payload does not match schema package-build-queued.v1 (200 violations): "
                + "/waitsFor/0: does not match the regex pattern"), e.reason());
        assertEquals(200, e.violations().size());
    }

    @Test
    void bindingFailureNamesPointerValueAndWhy() throws Exception {
        ObjectNode payload = (ObjectNode) json.readTree(sample().payload());
        payload.put("composeId", "minimal-1-20251399.n.0");
        String reason = rejection(headers(), json.writeValueAsBytes(payload));
        assertEquals("payload cannot be read as PackageBuildQueued: /composeId: ComposeId 'minimal-1-20251399.n.0'"
                + " is not valid: 20251399 is not a calendar date (YYYYMMDD) (value \"minimal-1-20251399.n.0\")",
                reason);
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        ObjectNode payload = (ObjectNode) json.readTree(sample().payload());
        payload.put("priority", 5);
        payload.putObject("addedInAFutureVersion").put("x", true);
        ((ObjectNode) payload.get("source")).put("homepage", "https://www.gnu.org/software/hello/");
        assertEquals(Samples.packageBuildQueued(),
                codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers(), json.writeValueAsBytes(payload)).payload());
    }

    @Test
    void explicitNullForOptionalFieldsIsAbsent() throws Exception {
        OutgoingEvent out = codec.encode(Samples.composeStatusChanged(), SOURCE);
        ObjectNode payload = (ObjectNode) json.readTree(out.payload());
        payload.putNull("reason");
        payload.putNull("violations");
        payload.putNull("oldStatus");
        ComposeStatusChanged decoded = codec.decode(EventType.COMPOSE_STATUS_CHANGED, out.headers(),
                json.writeValueAsBytes(payload)).payload();
        assertNull(decoded.reason());
        assertNull(decoded.oldStatus());
        assertEquals(List.of(), decoded.violations());
    }

    @Test
    void absentOptionalFieldsAreNotWritten() {
        ComposeStatusChanged rejected = new ComposeStatusChanged(null, Samples.REQUEST_ID, null,
                ComposeStatus.REJECTED, "manifest: name is missing", null);
        OutgoingEvent out = codec.encode(rejected, SOURCE);
        assertEquals("{\"requestId\":\"4b0d1c52-2f3e-4d8a-b6a1-0e9f7c3d2a10\",\"newStatus\":\"REJECTED\","
                + "\"reason\":\"manifest: name is missing\",\"violations\":[]}", out.payloadText());
        assertEquals(Samples.REQUEST_ID.value(), out.key());
    }

    @Test
    void composeIdIsRequiredUnlessRejected() throws Exception {
        OutgoingEvent out = codec.encode(Samples.composeStatusChanged(), SOURCE);
        ObjectNode payload = (ObjectNode) json.readTree(out.payload());
        payload.remove("composeId");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> codec.decode(
                EventType.COMPOSE_STATUS_CHANGED, out.headers(), json.writeValueAsBytes(payload)));
        assertTrue(e.reason().contains("/composeId: required property 'composeId' not found"), e.reason());
    }

    @Test
    void resultIsRequiredWhenCompleted() throws Exception {
        OutgoingEvent out = codec.encode(Samples.taskStatusChanged(), SOURCE);
        ObjectNode payload = (ObjectNode) json.readTree(out.payload());
        payload.remove("result");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> codec.decode(
                EventType.TASK_STATUS_CHANGED, out.headers(), json.writeValueAsBytes(payload)));
        assertTrue(e.reason().contains("/result: required property 'result' not found"), e.reason());
    }

    @Test
    void formatsAreAsserted() throws Exception {
        OutgoingEvent out = codec.encode(Samples.executorHeartbeat(), SOURCE);
        ObjectNode payload = (ObjectNode) json.readTree(out.payload());
        payload.put("at", "31/01/2025 12:00");
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> codec.decode(
                EventType.EXECUTOR_HEARTBEAT, out.headers(), json.writeValueAsBytes(payload)));
        assertTrue(e.reason().contains("/at: does not match the date-time pattern"), e.reason());
    }

    // --- encode checks its own output -----------------------------------------------------

    @Test
    void encodeRefusesAnEventThatDoesNotMatchItsSchema() {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode().put("version", "1");
        ComposeRequested bad = new ComposeRequested(Samples.REQUEST_ID, manifest, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(bad, SOURCE));
        assertEquals("ComposeRequested does not match schema compose-requested.v1: "
                + "/manifest/name: required property 'name' not found", e.getMessage());
    }

    @ParameterizedTest(name = "source {0} is refused")
    @ValueSource(strings = {"", " ", "not a uri"})
    void encodeRefusesABadSource(String source) {
        assertThrows(IllegalArgumentException.class, () -> codec.encode(Samples.composeRequested(), source));
    }

    @Test
    void encodeRefusesABlankId() {
        assertThrows(IllegalArgumentException.class,
                () -> codec.encode(Samples.composeRequested(), SOURCE, " ", TIME));
    }

    @Test
    void mapperIsConfiguredAndACopy() throws Exception {
        ObjectMapper mapper = codec.mapper();
        assertFalse(mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        String heartbeat = mapper.writeValueAsString(Samples.executorHeartbeat());
        assertTrue(heartbeat.contains("\"at\":\"2025-01-31T12:01:05.250Z\""), heartbeat);
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ObjectNode payload = (ObjectNode) json.readTree(sample().payload());
        payload.put("unknown", 1);
        // Reconfiguring the mapper handed out does not make the codec strict.
        codec.decode(EventType.PACKAGE_BUILD_QUEUED, headers(), json.writeValueAsBytes(payload));
    }

    @Test
    void limitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new EventCodec(0));
    }
}
