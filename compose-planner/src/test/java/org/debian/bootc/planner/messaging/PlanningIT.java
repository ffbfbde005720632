package org.debian.bootc.planner.messaging;

import static io.restassured.RestAssured.given;
import static org.debian.bootc.planner.PlannerFixtures.CODEC;
import static org.debian.bootc.planner.PlannerFixtures.encode;
import static org.debian.bootc.planner.PlannerFixtures.send;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.Violation;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.planner.service.ComposeIntake;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Planning on the real broker, database and archive (the machine's apt sources):
 * a request in, compose-planned and the package-build-queued events out with the
 * dependencies the archive's Build-Depends give; and each way the archive refuses a
 * manifest, on both intake paths, with the same violation.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class PlanningIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    private static ComposeRequested request(String yaml) throws Exception {
        ObjectNode manifest = (ObjectNode) YAML.readTree("name: plan" + UUID.randomUUID().toString().substring(0, 8)
                + "\nversion: \"1\"\ntype: ci\nsuite: bookworm\narchitectures: [amd64]\n" + yaml);
        return new ComposeRequested(new RequestId("req-" + UUID.randomUUID()), manifest, "planning-it");
    }

    @Test
    void aRequestQueuesOneBuildPerSourceWaitingForTheBuildsOfItsBuildDependencies() throws Exception {
        // m4 build-depends on libsigsegv-dev, which libsigsegv builds; hello needs neither
        ComposeRequested request = request("""
                packages: [hello]
                rebuild:
                  - source: hello
                  - source: libsigsegv
                  - source: m4
                """);
        try (TopicProbe probe = new TopicProbe(kafka(), Topics.COMPOSE_STATUS, Topics.COMPOSE_PLANNED,
                Topics.PACKAGE_BUILD_QUEUED)) {
            send(kafka(), encode(request));

            ConsumerRecord<String, byte[]> started = probe.await(r -> r.topic().equals(Topics.COMPOSE_STATUS)
                    && statusFor(r, request.requestId().value()) != null, WAIT);
            ComposeStatusChanged status = statusFor(started, request.requestId().value());
            assertEquals(ComposeStatus.STARTED, status.newStatus(), String.valueOf(status));
            String composeId = status.composeId().value();
            ComposePlanned planned = CODEC.decode(EventType.COMPOSE_PLANNED, probe.await(r ->
                    r.topic().equals(Topics.COMPOSE_PLANNED) && composeId.equals(r.key()), WAIT).headers(),
                    probe.seen().stream().filter(r -> r.topic().equals(Topics.COMPOSE_PLANNED)
                            && composeId.equals(r.key())).findFirst().orElseThrow().value()).payload();
            for (int i = 0; i < 3; i++) {
                int seen = i;
                probe.await(r -> r.topic().equals(Topics.PACKAGE_BUILD_QUEUED) && composeId.equals(r.key())
                        && queued(probe, composeId).size() > seen, WAIT);
            }
            Map<String, PackageBuildQueued> bySource = queued(probe, composeId).stream()
                    .collect(Collectors.toMap(q -> q.source().name(), q -> q));

            assertEquals(List.of("hello", "libsigsegv", "m4"), bySource.keySet().stream().sorted().toList());
            TaskId libsigsegv = bySource.get("libsigsegv").taskId();
            assertEquals(List.of(libsigsegv), bySource.get("m4").waitsFor(), "m4 waits for libsigsegv");
            assertEquals(List.of(), bySource.get("hello").waitsFor());
            assertEquals(List.of(), bySource.get("libsigsegv").waitsFor());
            assertEquals(new TaskId(composeId + ":hello:amd64"), bySource.get("hello").taskId());
            assertEquals(bySource.values().stream().map(q -> q.taskId().value()).sorted().toList(),
                    planned.tasks().stream().map(TaskId::value).sorted().toList(),
                    "compose-planned names every queued task");
            for (PackageBuildQueued q : bySource.values()) {
                assertEquals("bookworm", q.suite());
                assertEquals(planned.plan().archive(), q.archive());
                assertEquals(planned.plan().inReleaseSha256(), q.inReleaseSha256());
                assertTrue(q.source().dsc().endsWith(".dsc"), q.source().dsc());
                assertTrue(q.source().files().stream().allMatch(f -> f.location().startsWith(q.archive())
                        && f.location().contains("/pool/main/")), q.source().files().toString());
            }
            assertEquals("debian/bookworm/amd64/" + request.manifest().get("name").asText(),
                    planned.plan().images().get(0).ostreeRef());
            assertTrue(planned.plan().images().get(0).packages().stream().anyMatch(p -> p.name().equals("hello")));
            String packages = given().get("/composes/" + composeId + "/metadata/packages.json").then()
                    .statusCode(200).extract().asString();
            assertTrue(packages.contains("deb-bootc-compose.packages"), packages);
            assertTrue(packages.contains(planned.plan().inReleaseSha256()), "packages.json pins the InRelease");
            String info = given().get("/composes/" + composeId + "/metadata/composeinfo.json").then()
                    .statusCode(200).extract().asString();
            assertTrue(info.contains("\"id\" : \"" + composeId + "\""), info);
        }
    }

    private static List<PackageBuildQueued> queued(TopicProbe probe, String composeId) {
        return probe.seen().stream()
                .filter(r -> r.topic().equals(Topics.PACKAGE_BUILD_QUEUED) && composeId.equals(r.key()))
                .map(r -> {
                    try {
                        return CODEC.decode(EventType.PACKAGE_BUILD_QUEUED, r.headers(), r.value()).payload();
                    } catch (org.debian.bootc.events.InvalidEventException e) {
                        throw new AssertionError("the planner queued an invalid event: " + e.reason(), e);
                    }
                })
                .toList();
    }

    /**
     * 20,000 unknown package names are 20,000 violations: the rejection lists the first ones and
     * says how many there are, on both paths (it used to exceed the event size limit: HTTP 500).
     */
    @Test
    void aRejectionWithTwentyThousandViolationsListsAHundredAndCountsTheRest() throws Exception {
        String names = java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> "zz" + i)
                .collect(Collectors.joining(", "));
        ComposeRequested request = request("packages: [" + names + "]\n");
        var rest = given().contentType("application/json")
                .body(request.manifest().toString().getBytes(StandardCharsets.UTF_8))
                .post("/composes").then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath();
        assertEquals("20000 violations (the first 100 listed); nothing was queued", rest.getString("detail"));
        assertEquals(ComposeIntake.LISTED_VIOLATIONS, rest.getList("violations").size());
        assertEquals("/packages/0", rest.getString("violations[0].pointer"));
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), encode(request));
            ComposeStatusChanged rejected = statusFor(status.await(r -> statusFor(r, request.requestId().value())
                    != null, WAIT), request.requestId().value());
            assertEquals(ComposeStatus.REJECTED, rejected.newStatus());
            assertEquals(ComposeIntake.LISTED_VIOLATIONS, rejected.violations().size());
            assertEquals("the manifest has 20000 violation(s); the first 100 are listed, 19900 more are not",
                    rejected.reason());
        }
    }

    static Stream<Arguments> refusals() throws Exception {
        Path dsc = Files.createTempDirectory("refused-").resolve("refused_1.0-1.dsc");
        Files.writeString(dsc, "Source: refused\nBinary: refused\nVersion: 1.0-1\nArchitecture: any\n");
        return Stream.of(
                Arguments.of("unknown package", "packages: [hello, no-such-package-here]\n", "/packages/1",
                        "package 'no-such-package-here' is not in bookworm for amd64"),
                Arguments.of("version not in the archive", "packages: [hello]\nrebuild:\n  - source: hello\n"
                        + "    version: \"0.1-0\"\n", "/rebuild/0/version", "source package 'hello' has no version 0.1-0"),
                Arguments.of("unsatisfiable dependency", "packages: [hello]\nexclude: [libc6]\n", "/packages",
                        "the packages cannot be installed together on amd64 in bookworm, a dependency cannot be "
                                + "satisfied"),
                Arguments.of("build-dependency cycle", "packages: [hello]\nrebuild:\n  - source: bison\n"
                        + "  - source: flex\n", "/rebuild", "the rebuild set cannot be ordered"),
                Arguments.of("bad checksum", "packages: [hello]\nrebuild:\n  - dsc:\n      location: \""
                        + dsc.toUri() + "\"\n      sha256: \"" + "0".repeat(64) + "\"\n      files:\n"
                        + "        - {name: refused_1.0.orig.tar.gz, location: \"file:///srv/refused_1.0.orig.tar.gz\", "
                        + "sha256: \"" + "1".repeat(64) + "\", size: 10}\n",
                        "/rebuild/0/dsc/sha256", "bad checksum: " + dsc.getFileName()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void theArchiveRefusesTheSameWayOnBothPaths(String name, String yaml, String pointer, String reason)
            throws Exception {
        ComposeRequested request = request(yaml);
        // REST: 400 problem+json, pointers into the manifest
        List<Map<String, Object>> rest = given().contentType("application/json")
                .body(request.manifest().toString().getBytes(StandardCharsets.UTF_8))
                .post("/composes").then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath().getList("violations");
        assertTrue(rest.stream().anyMatch(v -> String.valueOf(v.get("pointer")).startsWith(pointer)
                && String.valueOf(v.get("reason")).startsWith(reason)), name + ": " + rest);
        // Kafka: REJECTED on compose-status, pointers into the request
        try (TopicProbe status = new TopicProbe(kafka(), Topics.COMPOSE_STATUS)) {
            send(kafka(), encode(request));
            ComposeStatusChanged rejected = statusFor(status.await(r -> statusFor(r, request.requestId().value())
                    != null, WAIT), request.requestId().value());
            assertEquals(ComposeStatus.REJECTED, rejected.newStatus());
            List<Violation> violations = rejected.violations();
            assertTrue(violations.stream().anyMatch(v -> v.pointer().startsWith("/manifest" + pointer)
                    && v.reason().startsWith(reason)), name + ": " + violations);
        }
    }
}
