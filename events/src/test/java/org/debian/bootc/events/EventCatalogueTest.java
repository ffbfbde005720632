package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/events.md has a section per topic whose table lists every field and whose example is a valid event. */
class EventCatalogueTest {

    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);
    private static String doc;

    @BeforeAll
    static void load() throws Exception {
        doc = Files.readString(RepoFiles.docs("events.md"));
    }

    static List<EventType<?>> types() {
        return EventType.all();
    }

    private static String heading(EventType<?> type) {
        return "## `" + (type == EventType.BUILD_TASK_DISPATCHED ? Topics.BUILD_TASKS_PREFIX + "<architecture>"
                : type.topic()) + "`\n";
    }

    private static String section(EventType<?> type) {
        int start = doc.indexOf(heading(type));
        assertTrue(start >= 0, "docs/events.md has no section " + heading(type).trim());
        int end = doc.indexOf("\n## ", start + 1);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    @ParameterizedTest(name = "{0}: section names the type and lists every field")
    @MethodSource("types")
    void sectionListsEveryField(EventType<?> type) {
        String section = section(type);
        assertTrue(section.contains("`" + type.ceType() + "`"), type.ceType());
        JsonNode properties = RepoFiles.schema(type).get("properties");
        properties.fieldNames().forEachRemaining(field ->
                assertTrue(section.contains("| `" + field + "` |"), heading(type).trim() + " lacks a row for " + field));
    }

    @ParameterizedTest(name = "{0}: the example decodes")
    @MethodSource("types")
    void exampleIsAValidEvent(EventType<?> type) throws Exception {
        Matcher json = JSON_BLOCK.matcher(section(type));
        List<String> examples = new ArrayList<>();
        while (json.find()) {
            examples.add(json.group(1));
        }
        assertEquals(1, examples.size(), heading(type).trim());
        byte[] payload = examples.get(0).getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), EventSchemas.validate(type, new ObjectMapper().readTree(payload)));
        new EventCodec().decode(type, java.util.Map.of(
                CloudEventHeaders.SPECVERSION, "1.0",
                CloudEventHeaders.ID, "docs",
                CloudEventHeaders.TYPE, type.ceType(),
                CloudEventHeaders.SOURCE, "/docs"), payload);
    }
}
