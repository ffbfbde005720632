package org.debian.bootc.publisher.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;
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

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The publisher's consumer on the real broker: dead letters for bad events, and it goes on. */
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

    @Test
    void readyWhenTheBrokerAnswers() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
