package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The "produce a compose-requested by hand with kcat" recipe in docs/events.md
 * works: the headers, key, topic and file its command line names make an event
 * the planner's decoder accepts.
 */
class KcatRecipeTest {

    private static final String UUID_COMMAND = "$(cat /proc/sys/kernel/random/uuid)";
    /** A shell word of the recipe: unquoted text, where a $(...) substitution counts as part of the word. */
    private static final Pattern WORD = Pattern.compile("(?:\\$\\([^)]*\\)|[^\\s])+");

    @Test
    void recipeProducesAValidComposeRequested() throws Exception {
        Recipe recipe = Recipe.parse(Files.readAllLines(RepoFiles.docs("events.md")));
        assertEquals("localhost:19092", recipe.broker);
        assertEquals(Topics.COMPOSE_REQUESTED, recipe.topic);
        assertEquals(Map.of(
                "ce_specversion", "1.0",
                "ce_id", UUID_COMMAND,
                "ce_type", "org.debian.bootc.compose.requested.v1",
                "ce_source", "/cli/kcat",
                "content-type", "application/json"), recipe.headers);

        Map<String, String> headers = new LinkedHashMap<>(recipe.headers);
        headers.put(CloudEventHeaders.ID, UUID.randomUUID().toString());
        // kcat sends the whole file, trailing newline included, as one message.
        byte[] payload = Files.readAllBytes(RepoFiles.root().resolve(recipe.file));

        assertEquals(Optional.of(EventType.COMPOSE_REQUESTED), EventType.forTopic(recipe.topic));
        IncomingEvent<ComposeRequested> event = new EventCodec().decode(EventType.COMPOSE_REQUESTED, headers, payload);
        ComposeRequested request = event.payload();
        assertEquals(recipe.key, request.key(), "-k must be the requestId in the file");
        assertEquals("minimal", request.manifest().get("name").asText());
        assertEquals("1", request.manifest().get("version").asText());
        assertEquals("bookworm", request.manifest().get("suite").asText());
        assertEquals("/cli/kcat", event.source());
    }

    @Test
    void recipeTailsComposeStatus() throws Exception {
        String doc = Files.readString(RepoFiles.docs("events.md"));
        assertTrue(doc.contains("kcat -C -b localhost:19092 -t compose-status -f '%k %h %s\\n'"));
    }

    /** The first {@code kcat -P} command line in the document, split the way a POSIX shell would here. */
    private record Recipe(String broker, String topic, String key, Map<String, String> headers, Path file) {

        static Recipe parse(List<String> lines) {
            String line = lines.stream().filter(l -> l.startsWith("kcat -P ")).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/events.md has no kcat -P command"));
            List<String> words = new ArrayList<>();
            Matcher shellWord = WORD.matcher(line);
            while (shellWord.find()) {
                words.add(shellWord.group());
            }
            String broker = null;
            String topic = null;
            String key = null;
            Map<String, String> headers = new LinkedHashMap<>();
            List<String> files = new ArrayList<>();
            for (int i = 1; i < words.size(); i++) {
                String word = words.get(i);
                switch (word) {
                    case "-P" -> { }
                    case "-b" -> broker = words.get(++i);
                    case "-t" -> topic = words.get(++i);
                    case "-k" -> key = words.get(++i);
                    case "-H" -> {
                        String[] header = words.get(++i).split("=", 2);
                        headers.put(header[0], header[1]);
                    }
                    default -> {
                        if (word.startsWith("-")) {
                            throw new AssertionError("unexpected kcat option " + word + " in: " + line);
                        }
                        files.add(word);
                    }
                }
            }
            assertEquals(1, files.size(), "one file, sent as one message: " + line);
            return new Recipe(broker, topic, key, headers, Path.of(files.get(0)));
        }
    }
}
