package org.debian.bootc.events;

import java.util.Locale;

import com.networknt.schema.path.PathType;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

/**
 * The one JSON Schema validator configuration of the project, so events and manifests
 * (whose schema is published beside the event schemas) are judged alike.
 */
public final class JsonSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    // 2020-12 treats "format" as an annotation unless told to assert it.
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_POINTER)
                    // Reasons go to headers and logs that are read in English; keep them stable.
                    .locale(Locale.ROOT)
                    .build()));

    private JsonSchemas() {
    }

    /** Draft 2020-12, format assertions on, JSON Pointer paths, English messages. */
    public static SchemaRegistry registry() {
        return REGISTRY;
    }
}
