package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compose manifest's schema ships beside the event schemas and keeps their
 * conventions where they meet: draft 2020-12, the same id patterns, enums and shared
 * definitions. Unlike an event, a manifest is closed: every object refuses unknown keys.
 */
class ManifestSchemaTest {

    private static final String RESOURCE = "/schemas/compose-manifest.v1.schema.json";

    private static JsonNode schema() throws IOException {
        try (InputStream in = ManifestSchemaTest.class.getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, RESOURCE + " is not on the classpath");
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void isValidDraft202012WithItsPublishedId() throws IOException {
        JsonNode schema = schema();
        var metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        assertEquals(List.of(), metaSchema.validate(schema));
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
        assertEquals("https://deb-bootc-compose.debian.org/schemas/compose-manifest.v1.schema.json",
                schema.get("$id").asText());
        assertEquals("object", schema.get("type").asText());
    }

    @Test
    void idPartsEnumsAndDigestsAreTheJavaOnes() throws IOException {
        JsonNode properties = schema().get("properties");
        JsonNode defs = schema().get("$defs");

        assertEquals(ComposeId.NAME_REGEX, properties.at("/name/pattern").asText());
        assertEquals(ComposeId.VERSION_REGEX, properties.at("/version/pattern").asText());
        assertEquals(Arrays.stream(ComposeType.values()).map(ComposeType::wireName).toList(),
                texts(properties.at("/type/enum")));
        assertEquals(ComposeType.PRODUCTION.wireName(), properties.at("/type/default").asText());
        assertEquals(Topics.SUPPORTED_ARCHITECTURES, texts(defs.at("/architecture/enum")));
        assertEquals(Invariants.SHA256.pattern(), defs.at("/sha256/pattern").asText());
        // The compose-requested envelope's limits, so a manifest that passes here fits there.
        JsonNode envelope = RepoFiles.schema(EventType.COMPOSE_REQUESTED).at("/properties/manifest/properties");
        assertEquals(envelope.at("/name/maxLength"), properties.at("/name/maxLength"));
        assertEquals(envelope.at("/version/maxLength"), properties.at("/version/maxLength"));
    }

    @Test
    void diskFormatsAreTheJavaOnesAndFitTheEventsPattern() throws IOException {
        JsonNode disk = schema().at("/properties/disk");
        assertEquals(Arrays.stream(DiskFormat.values()).map(DiskFormat::wireName).toList(),
                texts(disk.at("/properties/formats/items/enum")));
        assertEquals(List.of("formats"), texts(disk.get("required")));
        java.util.regex.Pattern wire = java.util.regex.Pattern.compile(RepoFiles.schema(EventType.COMPOSE_PLANNED)
                .at("/$defs/diskFormat/pattern").asText());
        texts(disk.at("/properties/formats/items/enum")).forEach(f -> assertTrue(wire.matcher(f).matches(), f));
        assertFalse(schema().at("/required").toString().contains("disk"));
    }

    @Test
    void definitionsSharedWithTheEventsAreIdentical() throws IOException {
        JsonNode events = RepoFiles.schema(EventType.PACKAGE_BUILD_QUEUED).get("$defs");
        JsonNode manifest = schema().get("$defs");
        for (String def : List.of("packageName", "debianVersion", "sha256", "location", "fileName")) {
            assertEquals(events.get(def), manifest.get(def), "$defs/" + def);
        }
    }

    @Test
    void everyObjectRefusesUnknownKeysExceptTheLabelMap() throws IOException {
        List<String> open = new ArrayList<>();
        walk(schema(), "", open);
        assertEquals(List.of("/properties/image/properties/labels"), open);
    }

    @Test
    void failableDocumentsPungisRule() throws IOException {
        String description = schema().at("/properties/failable/description").asText();
        assertTrue(description.contains("FINISHED_INCOMPLETE") && description.contains("DOOMED"), description);
        assertFalse(schema().at("/required").toString().contains("failable"));
    }

    private static void walk(JsonNode node, String at, List<String> open) {
        if (node.isObject()) {
            boolean closed = node.path("additionalProperties").isBoolean() && !node.path("additionalProperties").asBoolean();
            if ("object".equals(node.path("type").asText()) && !closed) {
                open.add(at);
            }
            node.properties().forEach(member -> walk(member.getValue(), at + "/" + member.getKey(), open));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), at + "/" + i, open);
            }
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
