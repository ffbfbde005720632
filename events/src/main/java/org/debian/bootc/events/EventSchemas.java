package org.debian.bootc.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The JSON Schemas shipped in this jar, each read and compiled once per class loader. */
final class EventSchemas {

    private static final ObjectMapper READER = new ObjectMapper();

    private static final Map<EventType<?>, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /** The schema document of {@code type} as JSON. */
    static JsonNode document(EventType<?> type) {
        String resource = type.schemaResource();
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is missing from the classpath");
            }
            return READER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /** Every violation of the schema of {@code type} in {@code instance}, sorted by pointer. */
    static List<Violation> validate(EventType<?> type, JsonNode instance) {
        Schema schema = SCHEMAS.computeIfAbsent(type, t -> JsonSchemas.registry().getSchema(document(t)));
        return schema.validate(instance).stream()
                .map(error -> toViolation(error, instance))
                .distinct()
                .sorted(Comparator.comparing(Violation::pointer))
                .toList();
    }

    private static Violation toViolation(Error error, JsonNode instance) {
        String pointer = error.getInstanceLocation().toString();
        String value = null;
        if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
            // The error sits on the object; point at the member that is missing.
            pointer = pointer + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
        } else {
            JsonNode node = instance.at(pointer);
            value = node.isMissingNode() ? null : node.toString();
        }
        return new Violation(pointer, value, error.getMessage());
    }
}
