package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/asyncapi.yaml describes every topic, and every reference in it resolves. */
class AsyncApiDocumentTest {

    private static final String ARCH = "{architecture}";
    private static Path file;
    private static JsonNode doc;

    @BeforeAll
    static void load() throws Exception {
        file = RepoFiles.docs("asyncapi.yaml");
        doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }

    @Test
    void isAsyncApi3WithBothServers() {
        assertEquals("3.0.0", doc.get("asyncapi").asText());
        assertEquals("localhost:19092", doc.at("/servers/local/host").asText());
        assertEquals("kafka", doc.at("/servers/local/protocol").asText());
        assertEquals("{bootstrap}", doc.at("/servers/production/host").asText());
        assertFalse(doc.at("/servers/production/variables/bootstrap/default").asText().isBlank());
    }

    @Test
    void everyTopicHasAChannelAndNoChannelIsUnknown() {
        Set<String> expected = new TreeSet<>();
        for (String topic : Topics.all()) {
            String base = Topics.isDlq(topic) ? topic.substring(0, topic.length() - ".dlq".length()) : topic;
            boolean perArch = base.startsWith(Topics.BUILD_TASKS_PREFIX);
            expected.add(perArch ? Topics.BUILD_TASKS_PREFIX + ARCH + (Topics.isDlq(topic) ? ".dlq" : "") : topic);
        }
        Set<String> addresses = new TreeSet<>();
        doc.get("channels").forEach(channel -> addresses.add(channel.get("address").asText()));
        assertEquals(expected, addresses);
    }

    @Test
    void perArchitectureChannelsDeclareTheirParameter() {
        doc.get("channels").forEach(channel -> {
            if (channel.get("address").asText().contains(ARCH)) {
                assertTrue(channel.at("/parameters/architecture").has("$ref"), channel.toString());
            }
        });
    }

    @Test
    void everyEventTypeHasAMessageWithItsTypeSchemaAndKey() {
        for (EventType<?> type : EventType.all()) {
            List<JsonNode> matches = new ArrayList<>();
            doc.at("/components/messages").forEach(message -> {
                if (type.ceType().equals(message.at("/headers/allOf/1/properties/ce_type/const").asText())) {
                    matches.add(message);
                }
            });
            assertEquals(1, matches.size(), "messages for " + type.ceType());
            JsonNode message = matches.get(0);
            assertEquals("../events/src/main/resources" + type.schemaResource(), message.at("/payload/$ref").asText());
            assertEquals("#/components/schemas/cloudEventHeaders", message.at("/headers/allOf/0/$ref").asText());
            assertEquals("string", message.at("/bindings/kafka/key/type").asText(), type.ceType());

            String topic = type == EventType.BUILD_TASK_DISPATCHED ? Topics.BUILD_TASKS_PREFIX + ARCH : type.topic();
            List<JsonNode> channels = new ArrayList<>();
            doc.get("channels").forEach(channel -> {
                if (channel.get("address").asText().equals(topic)) {
                    channels.add(channel);
                }
            });
            assertEquals(1, channels.size(), topic);
            assertEquals(1, channels.get(0).get("messages").size(), topic + " carries one type");
        }
    }

    @Test
    void cloudEventHeadersMatchTheConstants() {
        JsonNode headers = doc.at("/components/schemas/cloudEventHeaders");
        Set<String> properties = new TreeSet<>();
        headers.get("properties").fieldNames().forEachRemaining(properties::add);
        assertEquals(new TreeSet<>(List.of(CloudEventHeaders.SPECVERSION, CloudEventHeaders.ID,
                CloudEventHeaders.TYPE, CloudEventHeaders.SOURCE, CloudEventHeaders.TIME,
                CloudEventHeaders.CONTENT_TYPE)), properties);
        assertEquals(CloudEventHeaders.SPEC_VERSION_VALUE, headers.at("/properties/ce_specversion/const").asText());
        assertEquals(CloudEventHeaders.JSON, headers.at("/properties/content-type/const").asText());
        assertTrue(doc.at("/components/schemas/deadLetterHeaders/properties").has(CloudEventHeaders.DLQ_REASON));
    }

    @Test
    void everyOperationIsASendOrReceiveOfAKnownService() {
        Set<String> services = Set.of("upstream", "compose-planner", "task-scheduler", "chroot-executor",
                "artifact-publisher", "monitoring");
        Set<String> seen = new TreeSet<>();
        doc.get("operations").forEach(operation -> {
            assertTrue(Set.of("send", "receive").contains(operation.get("action").asText()), operation.toString());
            String service = operation.at("/tags/0/name").asText();
            assertTrue(services.contains(service), service);
            seen.add(service);
        });
        assertEquals(new TreeSet<>(services), seen);
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        walk(doc, node -> {
            if (node.has("$ref")) {
                refs.add(node.get("$ref").asText());
            }
        });
        assertTrue(refs.size() > 50, "refs: " + refs.size());
        for (String ref : refs) {
            if (ref.startsWith("#")) {
                assertFalse(doc.at(ref.substring(1)).isMissingNode(), "dangling " + ref);
            } else {
                Path target = file.getParent().resolve(ref.split("#", 2)[0]).normalize();
                assertTrue(Files.isRegularFile(target), ref + " -> " + target);
            }
        }
    }

    private static void walk(JsonNode node, Consumer<JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(node);
        }
        node.forEach(child -> walk(child, visit));
    }
}
