package org.debian.bootc.publisher.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.PublishFault;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.MalformedRecords;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.Topics;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The publisher's consumer on the real broker: dead letters for bad events, and it goes on; trace and metrics. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class PublisherMessagingIT {

    @Test
    void malformedComposeBuiltGoesToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        String sha = "d".repeat(64);
        ComposeBuilt built = new ComposeBuilt(
                ComposeId.of("minimal", "1", LocalDate.of(2026, 11, 24), ComposeType.TEST, 0),
                List.of(new PackageResult(new TaskId("task-" + UUID.randomUUID()), "hello", "2.10-3", "amd64",
                        TaskResult.SUCCESS, List.of(new ArtifactRef(sha, "debian:binary-package",
                                "hello_2.10-3_amd64.deb", 53000, "file:///var/lib/deb-bootc-compose/artifacts/sha256/" + sha)))),
                ComposeOutcome.COMPLETE,
                new ComposePlan("bookworm", "file:///srv/archive/debian/", sha, Failable.NONE,
                        List.of(new ImageTarget("amd64", "debian/bookworm/amd64/minimal", "localhost:5000/debian/minimal",
                                "1", Map.of(), List.of(new ResolvedPackage("hello", "2.10-3", "amd64")))),
                        List.of()));
        MalformedRecords.assertEachIsDeadLetteredAndConsumptionGoesOn(
                LocalStackTestResource.kafka().bootstrapServers(),
                new EventCodec().encode(built, "/tests/artifact-publisher"), 524288);
    }

    static ComposeBuilt built(ComposeId id, ComposeOutcome outcome, String architecture) {
        String sha = "d".repeat(64);
        return new ComposeBuilt(id,
                List.of(new PackageResult(new TaskId(id.value() + ":hello:" + architecture), "hello", "2.10-3",
                        architecture, TaskResult.SUCCESS, List.of(new ArtifactRef(sha, "debian:binary-package",
                                "hello_2.10-3_" + architecture + ".deb", 53000,
                                "file:///var/lib/deb-bootc-compose/artifacts/sha256/" + sha)))),
                outcome,
                new ComposePlan("bookworm", "file:///srv/archive/debian/", sha, Failable.NONE,
                        List.of(new ImageTarget(architecture, "debian/bookworm/" + architecture + "/minimal",
                                "localhost:5000/debian/minimal", "1", Map.of(),
                                List.of(new ResolvedPackage("hello", "2.10-3", architecture)))),
                        List.of()));
    }

    @Test
    void aDoomedComposeIsNotPublishedAndAFailedPublishSaysWhichStage() throws Exception {
        ComposeId id = ComposeId.of("wired" + UUID.randomUUID().toString().substring(0, 8), "1",
                LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
        EventCodec codec = new EventCodec();
        String bootstrap = LocalStackTestResource.kafka().bootstrapServers();
        try (TopicProbe probe = new TopicProbe(bootstrap, Topics.IMAGE_FAILED, Topics.IMAGE_COMMITTED);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            // Same key, so the doomed event is read first; had it been published, an arm64 event would come first.
            producer.send(codec.encode(built(id, ComposeOutcome.DOOMED, "arm64"), "/tests").toProducerRecord()).get();
            producer.send(codec.encode(built(id, ComposeOutcome.COMPLETE, "amd64"), "/tests").toProducerRecord()).get();

            ConsumerRecord<String, byte[]> first = probe.await(r -> r.key().equals(id.value()), Duration.ofSeconds(60));

            assertEquals(Topics.IMAGE_FAILED, first.topic());
            ImagePublishFailed failed = codec.decodeOrReject(EventType.IMAGE_PUBLISH_FAILED, first).payload();
            assertEquals("amd64", failed.architecture());
            assertEquals("debian/bookworm/amd64/minimal", failed.ref());
            assertEquals("repository", failed.stage());
            assertTrue(failed.reason().contains("bootc.publisher.signing-gnupg-home is not set"), failed.reason());
            assertEquals(PublishFault.INFRASTRUCTURE, failed.fault(), "the publisher's configuration, not the compose");
            assertTrue(probe.drain(Duration.ofSeconds(3)).stream().noneMatch(r -> r.key().equals(id.value())));
        }
    }

    @Test
    void aFailedImageCarriesTheComposeTraceAndIsCounted() throws Exception {
        ComposeId id = ComposeId.of("traced" + UUID.randomUUID().toString().substring(0, 8), "1",
                LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
        EventCodec codec = new EventCodec();
        String bootstrap = LocalStackTestResource.kafka().bootstrapServers();
        Map<String, String> failedAtRepository = Map.of("architecture", "amd64", "result", "failed", "stage",
                "repository");
        double imagesBefore = metric("bootc_publisher_images_total", failedAtRepository);
        double timedBefore = metric("bootc_publisher_publish_seconds_count", Map.of("architecture", "amd64",
                "result", "failed"));
        TraceParent trace = TraceParent.newTrace();
        try (TopicProbe probe = new TopicProbe(bootstrap, Topics.IMAGE_FAILED, Topics.IMAGE_COMMITTED);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            ProducerRecord<String, byte[]> record = codec.encode(built(id, ComposeOutcome.COMPLETE, "amd64"), "/tests")
                    .toProducerRecord();
            record.headers().add(CloudEventHeaders.TRACEPARENT, trace.toString().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();

            // this test's publisher has no signing key: the image fails at its first stage
            ConsumerRecord<String, byte[]> failed = probe.await(r -> r.key().equals(id.value()), Duration.ofSeconds(60));
            assertEquals(Topics.IMAGE_FAILED, failed.topic());
            TraceParent carried = TraceParent.fromHeaders(failed.headers()).orElseThrow(
                    () -> new AssertionError("image-failed carries no traceparent"));
            assertEquals(trace.traceId(), carried.traceId(), "image-failed is not in the compose's trace");
            assertNotEquals(trace.parentId(), carried.parentId(), "image-failed is a child span, not the same one");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metric("bootc_publisher_images_total", failedAtRepository) < imagesBefore + 1
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(imagesBefore + 1, metric("bootc_publisher_images_total", failedAtRepository), 0.0);
        assertEquals(timedBefore + 1, metric("bootc_publisher_publish_seconds_count", Map.of("architecture", "amd64",
                "result", "failed")), 0.0);
    }

    /** One sample of {@code /q/metrics} (Prometheus text) with these labels among its own, 0 when absent. */
    private static double metric(String name, Map<String, String> labels) {
        for (String line : given().when().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            if (line.startsWith(name + "{") && labels.entrySet().stream()
                    .allMatch(l -> line.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                // the value follows the labels; an exemplar (" # {trace_id=...} 1.0 <time>") may follow it
                return Double.parseDouble(line.substring(line.indexOf("} ") + 2).strip().split("\\s+")[0]);
            }
        }
        return 0;
    }

    @Test
    void readyWhenTheBrokerAnswers() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
