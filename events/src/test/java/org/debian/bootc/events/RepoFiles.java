package org.debian.bootc.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository the tests check: the docs next to the module, the schemas in the jar. */
final class RepoFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RepoFiles() {
    }

    /** The repository root: the module's parent (Maven runs tests in the module directory). */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("events")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no repository root above " + dir);
    }

    static Path docs(String name) {
        return root().resolve("docs").resolve(name);
    }

    static JsonNode schema(EventType<?> type) {
        try (InputStream in = RepoFiles.class.getResourceAsStream(type.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException(type.schemaResource() + " is not on the classpath");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
