package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Encodes events into CloudEvents Kafka records (binary content mode) and decodes
 * them back, checking headers, size and JSON Schema on the way in and the way out.
 * Thread-safe; one instance per service is enough.
 */
public final class EventCodec {

    /** Kafka's default {@code max.message.bytes}, rounded to 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

    /** RFC 3339 {@code date-time}; {@link OffsetDateTime#parse} then checks the calendar. */
    private static final Pattern RFC_3339 = Pattern.compile(
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$");

    private final int maxPayloadBytes;
    private final ObjectMapper mapper;
    private final ObjectMapper publicMapper;

    public EventCodec() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /** @param maxPayloadBytes payloads larger than this are rejected on decode and refused on encode */
    public EventCodec(int maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("maxPayloadBytes must be at least 1, was " + maxPayloadBytes);
        }
        this.maxPayloadBytes = maxPayloadBytes;
        this.mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                // Consumers read tolerantly: a newer producer may add fields.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // {"a":1,"a":2} means different things to different parsers; refuse it.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .build();
        this.publicMapper = mapper.copy();
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * The mapper the codec uses, for code that reads or writes event JSON itself
     * (e.g. a REST resource): JavaTimeModule, ISO-8601 dates, unknown properties
     * ignored on read, nulls omitted on write. A copy: changing it does not change the codec.
     */
    public ObjectMapper mapper() {
        return publicMapper;
    }

    /** {@link #encode(Event, String, String, Instant)} with a random UUID id and the current time. */
    public OutgoingEvent encode(Event event, String source) {
        return encode(event, source, UUID.randomUUID().toString(), Instant.now());
    }

    /**
     * Encodes {@code event}. The payload is checked against the type's schema: a
     * producer never emits an event its consumers would reject.
     *
     * @param source the CloudEvents source, a URI reference naming the producer, e.g. {@code /compose-planner}
     * @param id the CloudEvents id; keep it when re-sending the same event, so consumers can deduplicate
     * @throws IllegalArgumentException if the event does not match its schema, the payload is
     *         over the size limit, or source or id are not valid
     */
    public OutgoingEvent encode(Event event, String source, String id, Instant time) {
        Objects.requireNonNull(event, "event is required");
        Objects.requireNonNull(time, "time is required");
        EventType<?> type = event.eventType();
        if (!type.javaType().isInstance(event)) {
            throw new IllegalArgumentException(event.getClass().getName() + " claims event type " + type
                    + ", which is for " + type.javaType().getName());
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        String sourceProblem = sourceProblem(source);
        if (sourceProblem != null) {
            throw new IllegalArgumentException("source " + sourceProblem);
        }
        JsonNode tree = mapper.valueToTree(event);
        List<Violation> violations = EventSchemas.validate(type, tree);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(new InvalidEventException(
                    event.getClass().getSimpleName() + " does not match schema " + type, violations, null).reason());
        }
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + event.getClass().getSimpleName() + " as JSON", e);
        }
        if (payload.length > maxPayloadBytes) {
            throw new IllegalArgumentException(event.getClass().getSimpleName() + " payload is " + payload.length
                    + " bytes, over the limit of " + maxPayloadBytes + " bytes");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CloudEventHeaders.SPECVERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        headers.put(CloudEventHeaders.ID, id);
        headers.put(CloudEventHeaders.TYPE, type.ceType());
        headers.put(CloudEventHeaders.SOURCE, source);
        headers.put(CloudEventHeaders.TIME, DateTimeFormatter.ISO_INSTANT.format(time));
        headers.put(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        return new OutgoingEvent(event.topic(), event.key(), id, type.ceType(), headers, payload);
    }

    /**
     * Decodes a Kafka record of a topic that carries {@code expected}.
     *
     * @param headers the record headers; of a repeated header the last one counts
     * @throws InvalidEventException with a reason naming the header or JSON Pointer, the value and why
     */
    public <E extends Event> IncomingEvent<E> decode(EventType<E> expected, Headers headers, byte[] payload)
            throws InvalidEventException {
        Map<String, String> map = new HashMap<>();
        if (headers != null) {
            for (String name : List.of(CloudEventHeaders.SPECVERSION, CloudEventHeaders.ID, CloudEventHeaders.TYPE,
                    CloudEventHeaders.SOURCE, CloudEventHeaders.TIME, CloudEventHeaders.CONTENT_TYPE)) {
                Header header = headers.lastHeader(name);
                if (header != null && header.value() != null) {
                    map.put(name, new String(header.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return decode(expected, map, payload);
    }

    /**
     * Decodes a consumed record, for consumers whose failure strategy is
     * {@code dead-letter-queue}: an invalid record throws, unchecked, and the
     * exception message becomes the {@code dead-letter-reason} header.
     *
     * @throws RejectedEventException wrapping the {@link InvalidEventException}
     */
    public <E extends Event> IncomingEvent<E> decodeOrReject(EventType<E> expected, ConsumerRecord<?, byte[]> record) {
        Objects.requireNonNull(record, "record is required");
        try {
            return decode(expected, record.headers(), record.value());
        } catch (InvalidEventException e) {
            throw new RejectedEventException(e);
        }
    }

    /** {@link #decode(EventType, Headers, byte[])} with headers already read as UTF-8 text. */
    public <E extends Event> IncomingEvent<E> decode(EventType<E> expected, Map<String, String> headers,
            byte[] payload) throws InvalidEventException {
        Objects.requireNonNull(expected, "expected is required");
        Map<String, String> h = headers == null ? Map.of() : headers;
        checkSize(payload);
        String id = requiredHeader(h, CloudEventHeaders.ID);
        String type = requiredHeader(h, CloudEventHeaders.TYPE);
        String source = requiredHeader(h, CloudEventHeaders.SOURCE);
        String specVersion = requiredHeader(h, CloudEventHeaders.SPECVERSION);
        if (!CloudEventHeaders.SPEC_VERSION_VALUE.equals(specVersion)) {
            throw new InvalidEventException("header " + CloudEventHeaders.SPECVERSION + " is "
                    + Texts.quote(specVersion) + ", expected '" + CloudEventHeaders.SPEC_VERSION_VALUE + "'");
        }
        String sourceProblem = sourceProblem(source);
        if (sourceProblem != null) {
            throw new InvalidEventException("header " + CloudEventHeaders.SOURCE + " " + sourceProblem);
        }
        Instant time = parseTime(h.get(CloudEventHeaders.TIME));
        if (!expected.ceType().equals(type)) {
            throw new InvalidEventException("header " + CloudEventHeaders.TYPE + " is " + Texts.quote(type)
                    + ", expected '" + expected.ceType() + "' (the only type topic "
                    + (expected == EventType.BUILD_TASK_DISPATCHED ? Topics.BUILD_TASKS_PREFIX + "<architecture>"
                            : expected.topic())
                    + " carries)");
        }
        checkContentType(h.get(CloudEventHeaders.CONTENT_TYPE));
        ObjectNode tree = parseObject(payload);
        List<Violation> violations = EventSchemas.validate(expected, tree);
        if (!violations.isEmpty()) {
            throw new InvalidEventException("payload does not match schema " + expected + " ("
                    + violations.size() + (violations.size() == 1 ? " violation)" : " violations)"), violations, null);
        }
        return new IncomingEvent<>(id, type, source, time, bind(expected, tree));
    }

    private void checkSize(byte[] payload) throws InvalidEventException {
        if (payload == null) {
            throw new InvalidEventException("payload is missing (null record value, e.g. a tombstone);"
                    + " expected a JSON object");
        }
        if (payload.length == 0) {
            throw new InvalidEventException("payload is empty (0 bytes); expected a JSON object");
        }
        if (payload.length > maxPayloadBytes) {
            throw new InvalidEventException("payload is " + payload.length + " bytes, over the limit of "
                    + maxPayloadBytes + " bytes");
        }
    }

    private static String requiredHeader(Map<String, String> headers, String name) throws InvalidEventException {
        String value = headers.get(name);
        if (value == null) {
            throw new InvalidEventException("header " + name + " is missing");
        }
        if (value.isBlank()) {
            throw new InvalidEventException("header " + name + " is blank");
        }
        return value;
    }

    /** CloudEvents requires a non-empty URI reference. */
    private static String sourceProblem(String source) {
        if (source == null || source.isBlank()) {
            return "must not be blank";
        }
        try {
            new URI(source);
            return null;
        } catch (URISyntaxException e) {
            return Texts.quote(source) + " is not a URI reference: " + e.getReason();
        }
    }

    private static Instant parseTime(String value) throws InvalidEventException {
        if (value == null) {
            return null;
        }
        String problem = "header " + CloudEventHeaders.TIME + " " + Texts.quote(value)
                + " is not an RFC 3339 date-time (e.g. 2025-01-31T12:00:00Z)";
        if (!RFC_3339.matcher(value).matches()) {
            throw new InvalidEventException(problem);
        }
        try {
            return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(problem + ": " + e.getMessage());
        }
    }

    /** Absent is fine (the type implies JSON); present it must be JSON, parameters such as charset allowed. */
    private static void checkContentType(String value) throws InvalidEventException {
        if (value == null) {
            return;
        }
        String mediaType = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals(CloudEventHeaders.JSON)) {
            throw new InvalidEventException("header " + CloudEventHeaders.CONTENT_TYPE + " is " + Texts.quote(value)
                    + ", expected '" + CloudEventHeaders.JSON + "'"
                    + (mediaType.startsWith("application/cloudevents")
                            ? " (structured content mode is not supported; send the data as the value and the attributes as ce_* headers)"
                            : ""));
        }
    }

    private ObjectNode parseObject(byte[] payload) throws InvalidEventException {
        JsonNode tree;
        try {
            tree = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidEventException("payload is not JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new InvalidEventException("payload is not JSON: " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidEventException("payload is not JSON: it holds only white space");
        }
        if (!tree.isObject()) {
            throw new InvalidEventException("payload is a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", expected a JSON object");
        }
        return (ObjectNode) tree;
    }

    private <E extends Event> E bind(EventType<E> expected, ObjectNode tree) throws InvalidEventException {
        try {
            return mapper.treeToValue(tree, expected.javaType());
        } catch (JsonMappingException e) {
            String pointer = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null
                            ? "/" + ref.getFieldName().replace("~", "~0").replace("/", "~1")
                            : "/" + ref.getIndex())
                    .collect(Collectors.joining());
            JsonNode node = tree.at(pointer);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root == e ? e.getOriginalMessage() : root.getMessage();
            throw new InvalidEventException("payload cannot be read as " + expected.javaType().getSimpleName(),
                    List.of(new Violation(pointer, node.isMissingNode() ? null : node.toString(),
                            why == null ? root.toString() : why)),
                    e);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("payload cannot be read as " + expected.javaType().getSimpleName()
                    + ": " + e.getOriginalMessage());
        }
    }
}
