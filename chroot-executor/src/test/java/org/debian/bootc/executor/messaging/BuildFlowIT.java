package org.debian.bootc.executor.messaging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.TraceParent;
import org.debian.bootc.executor.service.TestSources;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The executor as a service on the real broker, building with the real tools:
 * a build-task-dispatched record in, chroot-ready and package-built out; the live
 * log while it builds; a cancellation that stops a running build.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class BuildFlowIT {

    private static final EventCodec CODEC = new EventCodec();
    private static final ComposeId COMPOSE = ComposeId.of("flow", "1", LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);

    @TempDir
    Path work;

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    private static void send(Event event) throws Exception {
        send(event, null);
    }

    /** Sends with a {@code traceparent} header when {@code trace} is not null. */
    private static void send(Event event, TraceParent trace) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            var record = CODEC.encode(event, "/tests/chroot-executor").toProducerRecord();
            if (trace != null) {
                record.headers().add(CloudEventHeaders.TRACEPARENT,
                        trace.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        }
    }

    /** One sample of the executor's own /q/metrics; 0 when it has none yet. */
    private static double metric(String name, String... labels) {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                // "name{labels} value [timestamp]": the value is the first field after the labels
                String rest = line.startsWith(name + "{") ? line.substring(line.indexOf('}') + 1)
                        : line.substring(name.length());
                return Double.parseDouble(rest.trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static void assertInTrace(TraceParent trace, ConsumerRecord<String, byte[]> record) {
        String header = TopicProbe.header(record, CloudEventHeaders.TRACEPARENT);
        assertTrue(header != null, record.topic() + " carries no traceparent");
        TraceParent child = TraceParent.parse(header);
        assertEquals(trace.traceId(), child.traceId(), record.topic() + " is in the task's trace");
        assertNotEquals(trace.parentId(), child.parentId(), record.topic() + " has the executor's own span id");
    }

    private static BuildTaskDispatched task(SourcePackage source) throws Exception {
        return TestSources.hostTask(COMPOSE, source);
    }

    private static <T extends Event> T decode(EventType<T> type, ConsumerRecord<String, byte[]> record) {
        try {
            return CODEC.decode(type, record.headers(), record.value()).payload();
        } catch (org.debian.bootc.events.InvalidEventException e) {
            throw new AssertionError("the executor published an invalid " + type + ": " + e.getMessage(), e);
        }
    }

    @Test
    void helloFromATaskOnTheBrokerToChrootReadyAndPackageBuilt() throws Exception {
        String suite = TestSources.hostSuite();
        SourcePackage hello = TestSources.fromArchive(TestSources.hostArchive(suite), suite, "hello", work);
        BuildTaskDispatched task = task(hello);
        TraceParent trace = TraceParent.newTrace();
        double buildsBefore = metric("bootc_executor_build_seconds_count", "result", "success", "architecture", "amd64");
        double readyBefore = metric("bootc_executor_chroot_ready_seconds_count", "architecture", "amd64");
        double cacheBefore = metric("bootc_executor_base_cache_total", "result", "hit")
                + metric("bootc_executor_base_cache_total", "result", "miss");
        try (TopicProbe ready = new TopicProbe(kafka(), Topics.CHROOT_READY);
                TopicProbe built = new TopicProbe(kafka(), Topics.PACKAGE_BUILT)) {
            send(task, trace);
            ConsumerRecord<String, byte[]> readyRecord = ready.await(r -> task.taskId().value().equals(r.key()),
                    Duration.ofMinutes(20));
            assertInTrace(trace, readyRecord);
            assertEquals(1, metric("bootc_executor_builds_running"), 0.0, "the build is in progress");
            ChrootReady chroot = decode(EventType.CHROOT_READY, readyRecord);
            assertEquals(task.attempt(), chroot.attempt());
            assertEquals("quarkus-it", chroot.executorId().value());
            assertTrue(chroot.installed().stream().anyMatch(p -> p.name().equals("debhelper")), "build-deps listed");
            assertTrue(chroot.installed().stream().anyMatch(p -> p.name().equals("dpkg")));
            ConsumerRecord<String, byte[]> builtRecord = built.await(r -> task.taskId().value().equals(r.key()),
                    Duration.ofMinutes(20));
            assertInTrace(trace, builtRecord);
            PackageBuilt result = decode(EventType.PACKAGE_BUILT, builtRecord);
            assertEquals(BuildResult.SUCCESS, result.result(), result.logTail());
            assertEquals(chroot.buildrootId(), result.buildrootId());
            ArtifactRef deb = result.artifacts().stream()
                    .filter(a -> a.name().equals("hello_" + hello.version() + "_amd64.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no hello .deb in " + result.artifacts()));
            assertTrue(Files.size(Path.of(URI.create(deb.location()))) == deb.size());
            assertTrue(result.artifacts().stream().anyMatch(a -> a.category().equals(ArtifactRef.BUILDINFO)));
            assertTrue(result.artifacts().stream().anyMatch(a -> a.category().equals(ArtifactRef.CHANGES)));
            ArtifactRef storedLog = result.artifacts().stream()
                    .filter(a -> a.category().equals(ArtifactRef.BUILD_LOG)).findFirst().orElseThrow();
            assertEquals(storedLog.location(), result.logLocation());
            String log = Files.readString(Path.of(URI.create(result.logLocation())));
            assertTrue(log.contains("Status: successful"), log);
            assertTrue(log.contains("SOURCE_DATE_EPOCH="), "the build step sets SOURCE_DATE_EPOCH from the changelog");
            assertTrue(log.contains("$ dpkg-buildpackage -us -uc -B"), "buildType any is -B");
            given().when().get("/builds/" + task.taskId().value() + "/1/log").then().statusCode(200)
                    .header("X-Build-Running", "false");
            assertEquals(buildsBefore + 1, metric("bootc_executor_build_seconds_count", "result", "success",
                    "architecture", "amd64"), 0.0);
            assertEquals(readyBefore + 1, metric("bootc_executor_chroot_ready_seconds_count", "architecture", "amd64"),
                    0.0);
            assertEquals(cacheBefore + 1, metric("bootc_executor_base_cache_total", "result", "hit")
                    + metric("bootc_executor_base_cache_total", "result", "miss"), 0.0, "one base chroot taken");
            assertEquals(0, metric("bootc_executor_builds_running"), 0.0, "nothing builds any more");
        }
    }

    @Test
    void aCancelledTaskStopsWithinSecondsAndItsLogCanBeFollowedWhileItRuns() throws Exception {
        SourcePackage sleeper = TestSources.nativePackage(work, "bootc-flow-sleeper", "",
                List.of("@echo sleeping for the cancellation test", "sleep 600"));
        BuildTaskDispatched task = task(sleeper);
        try (TopicProbe ready = new TopicProbe(kafka(), Topics.CHROOT_READY);
                TopicProbe built = new TopicProbe(kafka(), Topics.PACKAGE_BUILT);
                TopicProbe beats = new TopicProbe(kafka(), Topics.EXECUTOR_HEARTBEAT)) {
            send(task);
            ready.await(r -> task.taskId().value().equals(r.key()), Duration.ofMinutes(20));
            beats.await(r -> decode(EventType.EXECUTOR_HEARTBEAT, r).running().contains(task.taskId()),
                    Duration.ofSeconds(30));
            String path = "/builds/" + task.taskId().value() + "/1/log";
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            String text = "";
            long offset = 0;
            while (!text.contains("sleeping for the cancellation test") && System.nanoTime() < deadline) {
                var response = given().queryParam("offset", offset).when().get(path).then().statusCode(200)
                        .header("X-Build-Running", "true").extract();
                text += response.asString();
                offset = Long.parseLong(response.header("X-Next-Offset"));
                Thread.sleep(200);
            }
            assertTrue(text.contains("sleeping for the cancellation test"), "the live log follows the build: " + text);
            assertTrue(text.startsWith("deb-bootc-compose chroot-executor"), "read from the start, chunk by chunk");
            long cancelled = System.nanoTime();
            send(new BuildTaskCancelled(task.taskId(), 1, COMPOSE, "amd64", "compose cancelled by the test"));
            PackageBuilt result = decode(EventType.PACKAGE_BUILT,
                    built.await(r -> task.taskId().value().equals(r.key()), Duration.ofSeconds(30)));
            long seconds = Duration.ofNanos(System.nanoTime() - cancelled).toSeconds();
            assertEquals(BuildResult.ERROR, result.result());
            assertTrue(result.logTail().contains("compose cancelled by the test"), result.logTail());
            assertTrue(seconds < 15, "stopped " + seconds + " s after the cancellation");
        }
    }

    @Test
    void theLogEndpointNamesWhatIsWrongWithARequest() {
        given().when().get("/builds/no such task/1/log").then().statusCode(400);
        given().when().get("/builds/flow:x:amd64/0/log").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("attempt 0 must be at least 1"));
        given().queryParam("offset", "-1").when().get("/builds/flow:x:amd64/1/log").then().statusCode(400)
                .body(org.hamcrest.Matchers.containsString("offset -1 must not be negative"));
        given().when().get("/builds/flow:never-ran:amd64/1/log").then().statusCode(404)
                .body(org.hamcrest.Matchers.containsString("no log of task flow:never-ran:amd64 attempt 1"));
    }

}
