package org.debian.bootc.planner.messaging;

import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Runs the kcat command that docs/events.md gives for writing a compose request by
 * hand, with Debian's kcat against the real broker, and checks the planner starts it.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class KcatRecipeIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theDocumentedKcatCommandStartsACompose() throws Exception {
        String recipe = Files.readAllLines(REPO.resolve("docs/events.md")).stream()
                .filter(line -> line.startsWith("kcat -P "))
                .findFirst().orElseThrow(() -> new AssertionError("docs/events.md has no 'kcat -P' line"));
        String kafka = LocalStackTestResource.kafka().bootstrapServers();
        String command = recipe.replace("localhost:19092", kafka);
        String payload = Files.readString(REPO.resolve("docs/examples/compose-requested.json"));
        String requestId = payload.replaceAll("(?s).*\"requestId\"\\s*:\\s*\"([^\"]+)\".*", "$1");

        try (TopicProbe status = new TopicProbe(kafka, Topics.COMPOSE_STATUS)) {
            Process kcat = new ProcessBuilder("bash", "-c", command).directory(REPO.toFile())
                    .redirectErrorStream(true).start();
            boolean done = kcat.waitFor(60, TimeUnit.SECONDS);
            String output = new String(kcat.getInputStream().readAllBytes());
            assertEquals(true, done, "kcat did not finish: " + output);
            assertEquals(0, kcat.exitValue(), "kcat failed: " + output);

            ConsumerRecord<String, byte[]> record = status.await(r -> statusFor(r, requestId) != null,
                    Duration.ofSeconds(120));
            assertEquals(ComposeStatus.STARTED, statusFor(record, requestId).newStatus());
        }
    }
}
