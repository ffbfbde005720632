package org.debian.bootc.planner.messaging;

import static io.restassured.RestAssured.given;
import static org.debian.bootc.planner.PlannerFixtures.CODEC;
import static org.debian.bootc.planner.PlannerFixtures.send;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A compose's life after STARTED, driven by the events the scheduler and the
 * publisher write (produced here on the real broker): FINISHED with images.json
 * filled, DOOMED by a build failure, DOOMED by an image that failed to publish,
 * and a repeated event that changes nothing.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ComposeLifecycleIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SHA = "e".repeat(64);

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    /** A STARTED compose of hello on amd64, through REST, and its plan. */
    private static Started start() throws Exception {
        String name = "life" + UUID.randomUUID().toString().substring(0, 8);
        String manifest = "{\"name\":\"" + name + "\",\"version\":\"1\",\"type\":\"ci\",\"suite\":\"bookworm\","
                + "\"architectures\":[\"amd64\"],\"packages\":[\"hello\"],\"rebuild\":[{\"source\":\"hello\"}],"
                + "\"disk\":{\"formats\":[\"raw\",\"qcow2\"],\"size\":\"3G\",\"kargs\":[\"console=ttyS0,115200n8\"]}}";
        String composeId = given().contentType("application/json").body(manifest.getBytes(StandardCharsets.UTF_8))
                .post("/composes").then().statusCode(202).extract().path("composeId");
        String requestId = given().get("/composes/" + composeId).then().statusCode(200).extract().path("requestId");
        return new Started(new ComposeId(composeId), requestId);
    }

    private record Started(ComposeId id, String requestId) {
    }

    private static ComposePlan plan(ComposeId id) throws Exception {
        try (TopicProbe planned = new TopicProbe(kafka(), Topics.COMPOSE_PLANNED)) {
            var record = planned.await(r -> id.value().equals(r.key()), WAIT);
            return CODEC.decode(org.debian.bootc.events.EventType.COMPOSE_PLANNED, record.headers(), record.value())
                    .payload().plan();
        }
    }

    private static void produce(Event event) {
        send(kafka(), CODEC.encode(event, "/tests/compose-lifecycle"));
    }

    private static ComposeBuilt built(ComposeId id, ComposePlan plan, TaskResult result, ComposeOutcome outcome) {
        return new ComposeBuilt(id, List.of(new PackageResult(new TaskId(id.value() + ":hello:amd64"), "hello",
                "2.10-3", "amd64", result, result == TaskResult.SUCCESS ? List.of(new ArtifactRef(SHA,
                        ArtifactRef.BINARY_PACKAGE, "hello_2.10-3_amd64.deb", 53000, "file:///srv/a/" + SHA))
                        : List.of())), outcome, plan);
    }

    private static ComposeStatusChanged awaitStatus(TopicProbe status, Started started, ComposeStatus expected) {
        return statusFor(status.await(r -> {
            ComposeStatusChanged s = statusFor(r, started.requestId());
            return s != null && s.newStatus() == expected;
        }, WAIT), started.requestId());
    }

    /** Transitions out of STARTED still unread: the awaited one was taken, STARTED itself does not count. */
    private static long laterTransitions(TopicProbe status, Started started) {
        return status.drain(Duration.ofSeconds(3)).stream()
                .map(r -> statusFor(r, started.requestId()))
                .filter(s -> s != null && s.newStatus() != ComposeStatus.STARTED)
                .count();
    }

    @Test
    void builtThenCommittedFinishesAndFillsImagesJson() throws Exception {
        Started started = start();
        ComposePlan plan = plan(started.id());
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            assertEquals(new DiskSpec(List.of("raw", "qcow2"), 3L << 30, List.of("console=ttyS0,115200n8")),
                    plan.images().get(0).disk(), "the manifest's disk, in bytes, on compose-planned");
            produce(built(started.id(), plan, TaskResult.SUCCESS, ComposeOutcome.COMPLETE));
            ImageCommitted image = new ImageCommitted(started.id(), "amd64", plan.images().get(0).ostreeRef(), SHA,
                    plan.images().get(0).imageRepository() + ":1", "sha256:" + SHA, 12, 4096, List.of(
                            new DiskImage("raw", "file:///srv/disks/amd64/disk.raw", "a".repeat(64), 3L << 30),
                            new DiskImage("qcow2", "file:///srv/disks/amd64/disk.qcow2", "b".repeat(64), 812_000_000L)));
            produce(image);
            produce(image);

            ComposeStatusChanged finished = awaitStatus(status, started, ComposeStatus.FINISHED);
            assertEquals(ComposeStatus.STARTED, finished.oldStatus());
            assertEquals(0, laterTransitions(status, started), "one transition, not two");
        }
        given().get("/composes/" + started.id().value()).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("FINISHED"))
                .body("outcome", org.hamcrest.Matchers.equalTo("complete"));
        String images = given().get("/composes/" + started.id().value() + "/metadata/images.json").then()
                .statusCode(200).extract().asString();
        assertTrue(images.contains("\"type\" : \"productmd.images\""), images);
        assertTrue(images.contains("\"sha256\" : \"" + SHA + "\""), images);
        assertTrue(images.contains("\"layers\" : 12"), images);
        JsonNode amd64 = new ObjectMapper().readTree(images).at("/payload/images/bootc/amd64");
        assertEquals(3, amd64.size(), "the OCI image and its two disks: " + images);
        assertEquals("qcow2", amd64.get(2).path("format").asText());
        assertEquals("file:///srv/disks/amd64/disk.qcow2", amd64.get(2).path("path").asText());
        assertEquals("b".repeat(64), amd64.get(2).at("/checksums/sha256").asText());
        assertEquals(812_000_000L, amd64.get(2).path("size").asLong());
    }

    @Test
    void aBuildFailureOutsideTheFailableRulesDooms() throws Exception {
        Started started = start();
        ComposePlan plan = plan(started.id());
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            produce(built(started.id(), plan, TaskResult.FAILURE, ComposeOutcome.DOOMED));

            ComposeStatusChanged doomed = awaitStatus(status, started, ComposeStatus.DOOMED);
            assertEquals("builds failed outside the failable rules: hello on amd64 (failure)", doomed.reason());
            // a late image does not revive it
            produce(new ImageCommitted(started.id(), "amd64", plan.images().get(0).ostreeRef(), SHA, "r:1",
                    "sha256:" + SHA, 1, 0));
            assertEquals(0, laterTransitions(status, started));
        }
    }

    @Test
    void anImageThatFailsToPublishDoomsANonFailableArchitecture() throws Exception {
        Started started = start();
        ComposePlan plan = plan(started.id());
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            produce(built(started.id(), plan, TaskResult.SUCCESS, ComposeOutcome.COMPLETE));
            produce(new ImagePublishFailed(started.id(), "amd64", plan.images().get(0).ostreeRef(), "lint",
                    "var-run: /var/run is not a symlink"));

            ComposeStatusChanged doomed = awaitStatus(status, started, ComposeStatus.DOOMED);
            assertEquals("the image of amd64 failed to publish and is not failable", doomed.reason());
        }
    }
}
