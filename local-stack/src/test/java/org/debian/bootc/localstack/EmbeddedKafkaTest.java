package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.debian.bootc.localstack.test.TopicProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @TempDir
    Path dir;

    @Test
    void producesConsumesAndKeepsRecordsAndTopicsAcrossRestarts() throws Exception {
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            assertTrue(kafka.isRunning());
            assertEquals("localhost:" + kafka.port(), kafka.bootstrapServers());
            assertTrue(Files.isRegularFile(dir.resolve("logs/meta.properties")), "formatted like kafka-storage.sh");
            clusterId = kafka.clusterId();

            kafka.createTopics(List.of("compose-requested", "compose-status"), 3);
            kafka.createTopics(List.of("compose-requested"), 3); // idempotent
            assertEquals(3, partitions(kafka, "compose-requested"));

            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("ce_type", "org.debian.bootc.compose.requested.v1");
            headers.put("ce_id", "evt-1");
            TopicProbe.produce(kafka.bootstrapServers(), "compose-requested", "compose-1", headers,
                    "{\"composeId\":\"compose-1\"}".getBytes(StandardCharsets.UTF_8));

            try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers(), "compose-requested")) {
                ConsumerRecord<String, byte[]> r = probe.await(rec -> "compose-1".equals(rec.key()), Duration.ofSeconds(20));
                assertEquals("org.debian.bootc.compose.requested.v1", TopicProbe.header(r, "ce_type"));
                assertEquals("{\"composeId\":\"compose-1\"}", TopicProbe.text(r));
            }

            int port = kafka.port();
            kafka.restart();
            assertTrue(kafka.isRunning());
            assertEquals(port, kafka.port(), "same port after restart");
            assertEquals(3, partitions(kafka, "compose-requested"), "topic kept");
            TopicProbe.produce(kafka.bootstrapServers(), "compose-requested", "compose-2", null, new byte[] {1});
            try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers(), "compose-requested")) {
                probe.await(rec -> "compose-1".equals(rec.key()), Duration.ofSeconds(20)); // written before the restart
                probe.await(rec -> "compose-2".equals(rec.key()), Duration.ofSeconds(20));
            }

            // A topic nobody created: auto-creation is on.
            TopicProbe.produce(kafka.bootstrapServers(), "package-build-queued.dlq", "k", Map.of("reason", "bad"), new byte[0]);

            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.stop(); // idempotent
        }

        // A new broker on the same directory: same cluster, same topics, same records.
        try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0)) {
            assertEquals(clusterId, again.clusterId());
            assertEquals(3, partitions(again, "compose-requested"));
            try (TopicProbe probe = new TopicProbe(again.bootstrapServers(), "compose-requested", "package-build-queued.dlq")) {
                probe.await(rec -> "compose-1".equals(rec.key()), Duration.ofSeconds(20));
                ConsumerRecord<String, byte[]> dlq = probe.await(rec -> rec.topic().endsWith(".dlq"), Duration.ofSeconds(20));
                assertEquals("bad", TopicProbe.header(dlq, "reason"));
                List<ConsumerRecord<String, byte[]>> rest = probe.drain(Duration.ofMillis(300));
                assertEquals(1, rest.size(), "compose-2 left: " + rest);

                AssertionError e = assertThrows(AssertionError.class,
                        () -> probe.await(rec -> "nope".equals(rec.key()), Duration.ofMillis(200)));
                assertTrue(e.getMessage().contains("compose-requested-") && e.getMessage().contains("key=compose-2"),
                        e.getMessage());
            }
        }
    }

    private static int partitions(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
            return d.partitions().size();
        }
    }
}
