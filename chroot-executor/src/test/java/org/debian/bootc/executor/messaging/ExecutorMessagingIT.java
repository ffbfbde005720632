package org.debian.bootc.executor.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.MalformedRecords;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The executor's messaging on the real broker: acknowledged heartbeats, dead letters for bad tasks. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class ExecutorMessagingIT {

    private static final EventCodec CODEC = new EventCodec();

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    @Test
    void heartbeatsSayWhoServesWhichArchitecture() throws Exception {
        try (TopicProbe heartbeats = new TopicProbe(kafka(), Topics.EXECUTOR_HEARTBEAT)) {
            ConsumerRecord<String, byte[]> record = heartbeats.await(r -> true, Duration.ofSeconds(30));
            ExecutorHeartbeat beat = CODEC.decode(EventType.EXECUTOR_HEARTBEAT, record.headers(), record.value())
                    .payload();
            assertEquals(List.of("amd64"), beat.architectures());
            assertEquals(1, beat.slots());
            assertEquals(beat.executorId().value(), record.key(), "heartbeats are keyed by executor id");
            assertEquals("/chroot-executor", TopicProbe.header(record, CloudEventHeaders.SOURCE));
        }
    }

    @Test
    void malformedBuildTasksGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        SourcePackage hello = new SourcePackage("hello", "2.10-3", "hello_2.10-3.dsc",
                List.of(new SourceFile("hello_2.10-3.dsc", "b".repeat(64), 1183, "file:///srv/archive/debian/pool/main/h/hello/hello_2.10-3.dsc")));
        BuildTaskDispatched task = new BuildTaskDispatched(new TaskId("task-" + UUID.randomUUID()), 1,
                ComposeId.of("minimal", "1", LocalDate.of(2026, 11, 24), ComposeType.TEST, 0), hello, "amd64",
                "bookworm", "file:///srv/archive/debian/", "c".repeat(64), BuildType.ANY, null, "c".repeat(64), Instant.now().plusSeconds(600), List.of());
        MalformedRecords.assertEachIsDeadLetteredAndConsumptionGoesOn(kafka(),
                CODEC.encode(task, "/tests/chroot-executor"), 524288);
    }

    @Test
    void readyWhenTheBrokerAnswers() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
