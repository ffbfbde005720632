package org.debian.bootc.planner.rest;

import static io.restassured.RestAssured.given;
import static org.debian.bootc.planner.PlannerFixtures.count;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** POST /composes and GET /composes/{id} on the real database and broker. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class ComposeResourceIT {

    @Test
    void theMinimalExampleIsAcceptedWithItsComposeIdAndLocation() throws Exception {
        String yaml = Files.readString(Path.of("..", "examples", "minimal.yaml"));
        try (TopicProbe status = new TopicProbe(LocalStackTestResource.kafka().bootstrapServers(), Topics.COMPOSE_STATUS)) {
            Response response = given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                    .when().post("/composes")
                    .then().statusCode(202)
                    .body("composeId", matchesPattern("minimal-1-\\d{8}\\.t\\.\\d+"))
                    .body("status", equalTo("STARTED"))
                    .extract().response();
            String composeId = response.path("composeId");
            String requestId = response.path("requestId");
            assertEquals("/composes/" + composeId, java.net.URI.create(response.header("Location")).getPath());

            given().when().get("/composes/" + composeId).then().statusCode(200)
                    .body("composeId", equalTo(composeId))
                    .body("status", equalTo("STARTED"))
                    .body("type", equalTo("test"));
            var record = status.await(r -> statusFor(r, requestId) != null, Duration.ofSeconds(120));
            assertEquals(ComposeStatus.STARTED, statusFor(record, requestId).newStatus());
        }
    }

    @Test
    void anInvalidManifestIsAnsweredWithEveryViolationAndQueuesNothing() throws Exception {
        String yaml = """
                name: broken
                version: "1"
                suite: bookwork
                architectures: [amd64, s390x]
                packages: [ostree]
                archs: [amd64]
                disk: {formats: [raw, vmdk], size: 1G, kargs: [root=/dev/vda3]}
                """;
        long composesBefore = count("select count(*) from compose where name = 'broken'");
        given().contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().post("/composes")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", endsWith("/problems/invalid-manifest"))
                .body("status", equalTo(400))
                .body("violations.pointer", hasItems("/suite", "/architectures/1", "/archs"))
                .body("violations.find { it.pointer == '/suite' }.value", equalTo("\"bookwork\""))
                .body("violations.pointer", hasItems("/disk/formats/1", "/disk/size", "/disk/kargs/0"))
                .body("violations.find { it.pointer == '/disk/formats/1' }.reason",
                        equalTo("disk format 'vmdk' is not one of raw, qcow2"))
                .body("violations.find { it.pointer == '/disk/size' }.value", equalTo("\"1G\""))
                .body("violations.find { it.pointer == '/disk/kargs/0' }.reason", startsWith("disk karg 'root=/dev/vda3'"
                        + " sets root=, which the publisher sets"));
        assertEquals(composesBefore, count("select count(*) from compose where name = 'broken'"));
    }

    @Test
    void unparseableYamlNamesTheLine() {
        given().contentType("application/yaml").body("name: [unclosed\n".getBytes(StandardCharsets.UTF_8))
                .when().post("/composes")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations[0].pointer", equalTo(""));
    }

    @Test
    void jsonIsAcceptedToo() {
        String json = "{\"name\":\"json\",\"version\":\"2\",\"suite\":\"trixie\",\"architectures\":[\"arm64\"],"
                + "\"packages\":[\"ostree\"]}";
        given().contentType("application/json").body(json.getBytes(StandardCharsets.UTF_8))
                .when().post("/composes")
                .then().statusCode(202)
                .body("composeId", matchesPattern("json-2-\\d{8}\\.\\d+"));
    }

    @Test
    void anUnknownComposeIs404() {
        given().when().get("/composes/nope-1-20261124.0").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no compose has the id 'nope-1-20261124.0'"));
    }
}
