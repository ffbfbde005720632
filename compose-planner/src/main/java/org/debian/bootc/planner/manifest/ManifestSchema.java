package org.debian.bootc.planner.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;

import org.debian.bootc.events.JsonSchemas;
import org.debian.bootc.events.Violation;

/**
 * The compose manifest's JSON Schema, published in the events jar beside the event
 * schemas so upstream tools can check a manifest without our code. Read and compiled
 * once per class loader.
 */
public final class ManifestSchema {

    /** Where the schema is on the classpath. */
    public static final String RESOURCE = "/schemas/compose-manifest.v1.schema.json";

    /** The schema's {@code $id}. */
    public static final String ID = "https://deb-bootc-compose.debian.org/schemas/compose-manifest.v1.schema.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestSchema() {
    }

    /** The schema document, a fresh copy each call. */
    public static JsonNode document() {
        return Compiled.DOCUMENT.deepCopy();
    }

    /** Every violation of the schema in {@code manifest}, worded for the manifest's author. */
    static List<Violation> validate(JsonNode manifest) {
        return SchemaReasons.translate(Compiled.SCHEMA.validate(manifest), manifest, Compiled.DOCUMENT);
    }

    /** Loaded on first use, so a missing resource fails the first validation with a clear message. */
    private static final class Compiled {

        static final JsonNode DOCUMENT = read();
        static final Schema SCHEMA = JsonSchemas.registry().getSchema(DOCUMENT);

        private static JsonNode read() {
            try (InputStream in = ManifestSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("schema " + RESOURCE
                            + " is missing from the classpath (it ships in the events jar)");
                }
                return JSON.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema " + RESOURCE, e);
            }
        }
    }
}
