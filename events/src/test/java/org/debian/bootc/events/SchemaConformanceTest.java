package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every record and its JSON Schema say the same thing, and the codec enforces it. */
class SchemaConformanceTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2025-01-31T12:00:00Z");

    /** Value records and the {@code $defs} entry that describes each. */
    private static final Map<Class<? extends Record>, String> VALUE_DEFS = Map.ofEntries(
            Map.entry(SourceFile.class, "sourceFile"),
            Map.entry(SourcePackage.class, "sourcePackage"),
            Map.entry(InstalledPackage.class, "installedPackage"),
            Map.entry(ArtifactRef.class, "artifactRef"),
            Map.entry(PackageResult.class, "packageResult"),
            Map.entry(Violation.class, "violation"),
            Map.entry(AptRepository.class, "aptRepository"),
            Map.entry(ResolvedPackage.class, "resolvedPackage"),
            Map.entry(ImageTarget.class, "imageTarget"),
            Map.entry(DiskSpec.class, "diskSpec"),
            Map.entry(DiskImage.class, "diskImage"),
            Map.entry(Failable.class, "failable"),
            Map.entry(ComposePlan.class, "composePlan"));

    static Stream<EventType<?>> types() {
        return EventType.all().stream();
    }

    static Stream<Arguments> requiredProperties() {
        return types().flatMap(type -> stream(RepoFiles.schema(type).get("required"))
                .map(name -> Arguments.of(type, name.asText())));
    }

    static Stream<Arguments> properties() {
        return types().flatMap(type -> names(RepoFiles.schema(type).get("properties")).stream()
                .map(name -> Arguments.of(type, name)));
    }

    static Stream<Arguments> valueRecords() {
        return VALUE_DEFS.entrySet().stream().map(e -> Arguments.of(e.getKey().getSimpleName(), e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}: sample encodes, matches its schema and decodes to an equal record")
    @MethodSource("types")
    void roundTrip(EventType<?> type) throws Exception {
        Event sample = Samples.of(type);
        OutgoingEvent out = CODEC.encode(sample, "/test", "id-1", TIME);

        JsonNode payload = JSON.readTree(out.payload());
        assertEquals(List.of(), EventSchemas.validate(type, payload));
        for (String routing : List.of("key", "eventType", "topic")) {
            assertFalse(payload.has(routing), routing + " must not be serialized");
        }
        assertEquals(sample, CODEC.decode(type, out.headers(), out.payload()).payload());
        assertEquals(sample.topic(), out.topic());
        assertEquals(sample.key(), out.key());
    }

    @ParameterizedTest(name = "{0}: without required {1} is rejected")
    @MethodSource("requiredProperties")
    void missingRequiredPropertyIsRejected(EventType<?> type, String property) throws Exception {
        OutgoingEvent out = CODEC.encode(Samples.of(type), "/test", "id-1", TIME);
        ObjectNode payload = (ObjectNode) JSON.readTree(out.payload());
        payload.remove(property);

        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> CODEC.decode(type, out.headers(), JSON.writeValueAsBytes(payload)));
        assertTrue(e.reason().contains("/" + property + ": required property '" + property + "' not found"),
                e.reason());
    }

    @ParameterizedTest(name = "{0}: {1} of the wrong JSON type is rejected")
    @MethodSource("properties")
    void wrongJsonTypeIsRejected(EventType<?> type, String property) throws Exception {
        JsonNode schema = RepoFiles.schema(type);
        OutgoingEvent out = CODEC.encode(Samples.of(type), "/test", "id-1", TIME);
        ObjectNode payload = (ObjectNode) JSON.readTree(out.payload());
        JsonNode wrong = wrongTypeFor(schema, schema.get("properties").get(property));
        payload.set(property, wrong);

        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> CODEC.decode(type, out.headers(), JSON.writeValueAsBytes(payload)),
                property + " = " + wrong + " was accepted");
        assertTrue(e.reason().contains("/" + property + ": "), e.reason());
        assertTrue(e.payloadViolations().stream().anyMatch(v -> v.pointer().equals("/" + property)), e.reason());
    }

    @ParameterizedTest(name = "{0}: record components and schema properties match")
    @MethodSource("types")
    void componentsMatchProperties(EventType<?> type) {
        JsonNode schema = RepoFiles.schema(type);
        assertEquals(new TreeSet<>(jsonNames(type.javaType())), new TreeSet<>(names(schema.get("properties"))));
    }

    @ParameterizedTest(name = "{0}: record components and $defs/{2} properties match")
    @MethodSource("valueRecords")
    void valueRecordComponentsMatchDefs(String name, Class<? extends Record> record, String def) {
        boolean found = false;
        for (EventType<?> type : EventType.all()) {
            JsonNode node = RepoFiles.schema(type).path("$defs").path(def);
            if (!node.isMissingNode()) {
                found = true;
                assertEquals(new TreeSet<>(jsonNames(record)), new TreeSet<>(names(node.get("properties"))),
                        type + " $defs/" + def);
            }
        }
        assertTrue(found, "no schema defines $defs/" + def);
    }

    /**
     * "required" lists exactly what the record refuses to be without: each component
     * left null (reference types) is rejected by the constructor iff the schema
     * requires it, unconditionally or, for the sample, through if/then.
     */
    @ParameterizedTest(name = "{0}: required matches the nullable components")
    @MethodSource("types")
    void requiredMatchesNullableComponents(EventType<?> type) throws Exception {
        JsonNode schema = RepoFiles.schema(type);
        Set<String> required = new LinkedHashSet<>();
        stream(schema.get("required")).forEach(n -> required.add(n.asText()));
        stream(schema.path("then").path("required")).forEach(n -> required.add(n.asText()));
        assertRequiredMatchesConstructor(type.javaType(), Samples.of(type), required);
    }

    @Test
    void valueRecordsRequireWhatTheirDefsRequire() throws Exception {
        Map<Class<? extends Record>, Record> samples = Map.ofEntries(
                Map.entry(SourceFile.class, Samples.hello().files().get(0)),
                Map.entry(SourcePackage.class, Samples.hello()),
                Map.entry(InstalledPackage.class, Samples.chrootReady().installed().get(0)),
                Map.entry(ArtifactRef.class, Samples.deb()),
                Map.entry(PackageResult.class, Samples.composeBuilt().packages().get(0)),
                Map.entry(Violation.class, Samples.composeStatusChanged().violations().get(0)),
                Map.entry(AptRepository.class, Samples.backports()),
                Map.entry(ResolvedPackage.class, Samples.plan().images().get(0).packages().get(0)),
                Map.entry(ImageTarget.class, Samples.plan().images().get(0)),
                Map.entry(DiskSpec.class, Samples.disk()),
                Map.entry(DiskImage.class, Samples.imageCommitted().disks().get(0)),
                Map.entry(Failable.class, Samples.plan().failable()),
                Map.entry(ComposePlan.class, Samples.plan()));
        for (var entry : samples.entrySet()) {
            JsonNode def = defOf(VALUE_DEFS.get(entry.getKey()));
            Set<String> required = new LinkedHashSet<>();
            stream(def.get("required")).forEach(n -> required.add(n.asText()));
            assertRequiredMatchesConstructor(entry.getKey(), entry.getValue(), required);
        }
    }

    @ParameterizedTest(name = "{0}: schema header ($schema, $id, title, type)")
    @MethodSource("types")
    void schemaHeader(EventType<?> type) {
        JsonNode schema = RepoFiles.schema(type);
        String file = type.schemaResource().substring("/schemas/".length());
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        assertEquals("https://deb-bootc-compose.debian.org/schemas/" + file, schema.get("$id").asText());
        assertEquals(type.javaType().getSimpleName(), schema.get("title").asText());
        assertEquals("object", schema.get("type").asText());
        assertTrue(schema.get("additionalProperties").asBoolean(), "additionalProperties must stay allowed");
        assertTrue(schema.get("description").asText().contains(type.ceType()));
    }

    @ParameterizedTest(name = "{0}: schema is valid against the draft 2020-12 meta-schema")
    @MethodSource("types")
    void schemaIsValidDraft202012(EventType<?> type) {
        var metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertEquals(List.of(), metaSchema.validate(RepoFiles.schema(type)));
    }

    /** The schemas are self-contained (no cross-file $ref), so a shared definition is copied; copies must agree. */
    @Test
    void sharedDefinitionsAreIdentical() {
        Map<String, JsonNode> seen = new HashMap<>();
        for (EventType<?> type : EventType.all()) {
            RepoFiles.schema(type).path("$defs").properties().forEach(def -> {
                JsonNode first = seen.putIfAbsent(def.getKey(), def.getValue());
                if (first != null) {
                    assertEquals(first, def.getValue(), "$defs/" + def.getKey() + " differs in " + type);
                }
            });
        }
        assertTrue(seen.size() > 10, "expected the shared definitions, saw " + seen.keySet());
    }

    @Test
    void idPatternsAreTheJavaPatterns() {
        assertEquals(ComposeId.REGEX, defOf("composeId").get("pattern").asText());
        assertEquals(ComposeId.REGEX, RepoFiles.schema(EventType.COMPOSE_STATUS_CHANGED)
                .at("/properties/composeId/pattern").asText());
        assertEquals(RequestId.REGEX, defOf("requestId").get("pattern").asText());
        assertEquals(TaskId.REGEX, defOf("taskId").get("pattern").asText());
        assertEquals(BuildrootId.REGEX, defOf("buildrootId").get("pattern").asText());
        assertEquals(ExecutorId.REGEX, defOf("executorId").get("pattern").asText());
        JsonNode manifest = RepoFiles.schema(EventType.COMPOSE_REQUESTED).at("/properties/manifest/properties");
        assertEquals(ComposeId.NAME_REGEX, manifest.at("/name/pattern").asText());
        assertEquals(ComposeId.VERSION_REGEX, manifest.at("/version/pattern").asText());
        assertEquals(Topics.ARCHITECTURE.pattern(), defOf("architecture").get("pattern").asText());
        assertEquals(Invariants.SHA256.pattern(), defOf("sha256").get("pattern").asText());
    }

    @Test
    void enumsAreTheJavaWireNames() {
        assertEquals(wireNames(BuildType.values()), texts(defOf("buildType").get("enum")));
        assertEquals(wireNames(BuildResult.values()), texts(defOf("buildResult").get("enum")));
        assertEquals(wireNames(TaskResult.values()), texts(defOf("taskResult").get("enum")));
        assertEquals(wireNames(TaskStatus.values()), texts(defOf("taskStatus").get("enum")));
        assertEquals(wireNames(ComposeStatus.values()), texts(defOf("composeStatus").get("enum")));
        assertEquals(wireNames(ComposeOutcome.values()), texts(defOf("composeOutcome").get("enum")));
        // Disk formats are open on the wire (a pattern, not an enum); every known one must fit it.
        java.util.regex.Pattern diskFormat = java.util.regex.Pattern.compile(defOf("diskFormat").get("pattern").asText());
        for (String format : wireNames(DiskFormat.values())) {
            assertTrue(diskFormat.matcher(format).matches(), format);
        }
        JsonNode task = RepoFiles.schema(EventType.TASK_STATUS_CHANGED).get("properties");
        assertEquals(withNull(wireNames(TaskStatus.values())), texts(task.at("/oldStatus/enum")));
        assertEquals(withNull(wireNames(TaskResult.values())), texts(task.at("/result/enum")));
        assertEquals(withNull(wireNames(ComposeStatus.values())),
                texts(RepoFiles.schema(EventType.COMPOSE_STATUS_CHANGED).at("/properties/oldStatus/enum")));
        assertEquals(withNull(wireNames(PublishFault.values())),
                texts(RepoFiles.schema(EventType.IMAGE_PUBLISH_FAILED).at("/properties/fault/enum")));
    }

    // --- helpers -----------------------------------------------------------------

    private static void assertRequiredMatchesConstructor(Class<?> record, Object sample, Set<String> required)
            throws Exception {
        RecordComponent[] components = record.getRecordComponents();
        Constructor<?> constructor = record.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String name = jsonName(component);
            if (component.getType().isPrimitive()) {
                assertTrue(required.contains(name), record.getSimpleName() + "." + name
                        + " is a primitive, so it cannot be absent: the schema must require it");
                continue;
            }
            Object[] args = new Object[components.length];
            for (int j = 0; j < components.length; j++) {
                args[j] = j == i ? null : components[j].getAccessor().invoke(sample);
            }
            boolean rejected;
            try {
                constructor.newInstance(args);
                rejected = false;
            } catch (InvocationTargetException e) {
                rejected = true;
            }
            assertEquals(required.contains(name), rejected, record.getSimpleName() + "." + name
                    + (rejected ? " is refused as null but the schema does not require it"
                            : " is accepted as null but the schema requires it"));
        }
    }

    private static JsonNode wrongTypeFor(JsonNode schema, JsonNode property) {
        JsonNode resolved = property;
        if (property.has("$ref") && !property.has("type")) {
            resolved = schema.at(property.get("$ref").asText().substring(1));
        }
        Set<String> allowed = new TreeSet<>();
        JsonNode type = resolved.get("type");
        if (type == null) {
            fail("no type for " + property);
        }
        if (type.isArray()) {
            type.forEach(t -> allowed.add(t.asText()));
        } else {
            allowed.add(type.asText());
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (!allowed.contains("string")) {
            return nodes.textNode("wrong");
        }
        if (!allowed.contains("integer") && !allowed.contains("number")) {
            return nodes.numberNode(12345);
        }
        return nodes.booleanNode(true);
    }

    private static JsonNode defOf(String def) {
        for (EventType<?> type : EventType.all()) {
            JsonNode node = RepoFiles.schema(type).path("$defs").path(def);
            if (!node.isMissingNode()) {
                return node;
            }
        }
        throw new AssertionError("no schema defines $defs/" + def);
    }

    private static List<String> jsonNames(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(SchemaConformanceTest::jsonName).toList();
    }

    private static String jsonName(RecordComponent component) {
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        return property != null && !property.value().isEmpty() ? property.value() : component.getName();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        if (array != null) {
            array.forEach(items::add);
        }
        return items.stream();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        return stream(array).map(n -> n.isNull() ? null : n.asText()).toList();
    }

    private static List<String> withNull(List<String> values) {
        List<String> out = new ArrayList<>(values);
        out.add(null);
        return out;
    }

    private static List<String> wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> {
            try {
                return (String) v.getClass().getMethod("wireName").invoke(v);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
