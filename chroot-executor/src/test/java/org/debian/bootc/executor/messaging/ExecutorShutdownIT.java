package org.debian.bootc.executor.messaging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.Topics;
import org.debian.bootc.executor.service.ExecutorShutdown;
import org.debian.bootc.executor.service.TestSources;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * What SIGTERM does to a running build, on the real broker with the real tools: the
 * executor's ShutdownEvent observer ({@link ExecutorShutdown#stop()}, called here as
 * Quarkus calls it) kills the build's PID namespace, removes its buildroot, reports
 * {@code package-built} result {@code error} with the reason, and returns within the
 * grace; a task that arrives afterwards is not built but reported at once. An executor
 * of its own (a test profile, so a Quarkus application of its own), since it stays
 * stopped.
 */
@QuarkusTest
@TestProfile(ExecutorShutdownIT.Stopping.class)
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class ExecutorShutdownIT {

    static final Duration GRACE = Duration.ofSeconds(30);

    /** An executor id of its own, so its buildroot directory is its own too. */
    public static class Stopping implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bootc.executor.id", "shutdown-it", "bootc.executor.shutdown-grace", GRACE.toSeconds() + "s");
        }
    }

    private static final EventCodec CODEC = new EventCodec();
    private static final ComposeId COMPOSE = ComposeId.of("stop", "1", LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
    private static final Path BUILDROOTS = Path.of("target/it-state/buildroots/shutdown-it").toAbsolutePath();

    @Inject
    ExecutorShutdown shutdown;

    @TempDir
    Path work;

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    private static void send(Event event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(CODEC.encode(event, "/tests/chroot-executor").toProducerRecord()).get();
        }
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

    /** The pid of a process whose command line contains {@code marker}, waiting up to a minute for one. */
    private static long awaitProcess(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(marker)).findFirst();
            if (found.isPresent()) {
                return found.get().pid();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no process of the build runs " + marker);
    }

    /** The pids of every process in the namespace {@code ns} (as /proc/PID/ns/... names it, e.g. pid:[4026532]). */
    private static List<String> processesIn(String kind, String ns) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).filter(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("ns").resolve(kind)).toString().equals(ns);
                } catch (IOException e) {
                    return false; // it ended meanwhile
                }
            }).map(p -> p.getFileName().toString()).toList();
        }
    }

    private static String namespace(long pid, String kind) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", kind)).toString();
    }

    @Test
    void sigtermStopsTheRunningBuildRemovesItsBuildrootAndReportsItForAnotherAttempt() throws Exception {
        String marker = "bootc-shutdown-" + UUID.randomUUID();
        SourcePackage sleeper = TestSources.nativePackage(work, "bootc-stop-sleeper", "",
                List.of("@echo sleeping for the shutdown test", "sh -c 'sleep 300; : " + marker + "'"));
        BuildTaskDispatched task = task(sleeper);
        try (TopicProbe ready = new TopicProbe(kafka(), Topics.CHROOT_READY);
                TopicProbe built = new TopicProbe(kafka(), Topics.PACKAGE_BUILT)) {
            send(task);
            ChrootReady chroot = decode(EventType.CHROOT_READY,
                    ready.await(r -> task.taskId().value().equals(r.key()), Duration.ofMinutes(20)));
            long sleeping = awaitProcess(marker);
            String pidNamespace = namespace(sleeping, "pid");
            String mountNamespace = namespace(sleeping, "mnt");
            assertFalse(pidNamespace.equals(namespace(ProcessHandle.current().pid(), "pid")),
                    "the build runs in a PID namespace of its own");
            Path buildroot = BUILDROOTS.resolve(chroot.buildrootId().value());
            assertTrue(Files.isDirectory(buildroot.resolve("upper")), "the buildroot exists while it builds");
            given().when().get("/builds/" + task.taskId().value() + "/1/log").then().statusCode(200)
                    .header("X-Build-Running", "true");

            long stopping = System.nanoTime();
            ExecutorShutdown.Report report = shutdown.stop();
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            long returned = System.currentTimeMillis();

            assertTrue(took.compareTo(GRACE) < 0, "stopped in " + took.toMillis() + " ms, within the grace " + GRACE);
            assertEquals(List.of(task.taskId()), report.interrupted().stream().map(b -> b.taskId()).toList());
            assertEquals(List.of(), report.unfinished(), "every interrupted build ended and reported");
            assertEquals(List.of(), processesIn("pid", pidNamespace), "no process is left in the build's PID namespace");
            assertEquals(List.of(), processesIn("mnt", mountNamespace), "nor in its mount namespace (the overlay)");
            assertFalse(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker)));
            assertFalse(Files.exists(buildroot), "the buildroot directory is removed");
            String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
            assertFalse(mounts.contains(BUILDROOTS.toString()), "nothing is mounted under the buildroots: " + mounts);

            ConsumerRecord<String, byte[]> reported = built.await(r -> task.taskId().value().equals(r.key()),
                    Duration.ofSeconds(10));
            assertTrue(reported.timestamp() <= returned, "package-built was sent (and acknowledged) before stop() "
                    + "returned, so before Quarkus closes the Kafka clients: sent at " + reported.timestamp()
                    + ", returned at " + returned);
            PackageBuilt result = decode(EventType.PACKAGE_BUILT, reported);
            assertEquals(BuildResult.ERROR, result.result(), "infrastructure, not the package: the scheduler retries");
            assertEquals(1, result.attempt());
            assertEquals(chroot.buildrootId(), result.buildrootId());
            List<String> tail = result.logTail().strip().lines().toList();
            assertTrue(tail.get(tail.size() - 1).startsWith("Status: error (Interrupted, exit code 61): interrupted: "
                    + "executor shutdown-it is shutting down"), "the last line, which the scheduler quotes as the "
                    + "attempt's reason: " + result.logTail());
            String log = Files.readString(Path.of(URI.create(result.logLocation())));
            assertTrue(log.contains("sleeping for the shutdown test"), "the stored log has the build's output");
            given().when().get("/builds/" + task.taskId().value() + "/1/log").then().statusCode(200)
                    .header("X-Build-Running", "false");
            assertTrue(shutdown.stop() == report, "a second stop (Quarkus' own, later) changes nothing");

            // stopped: a task that arrives now is not built, but reported at once so it goes elsewhere
            BuildTaskDispatched late = task(sleeper);
            send(late);
            PackageBuilt refused = decode(EventType.PACKAGE_BUILT,
                    built.await(r -> late.taskId().value().equals(r.key()), Duration.ofSeconds(60)));
            assertEquals(BuildResult.ERROR, refused.result());
            assertTrue(refused.logTail().strip().endsWith("was shutting down when the attempt arrived; it did not start"),
                    refused.logTail());
            assertFalse(ready.drain(Duration.ofSeconds(1)).stream().anyMatch(r -> late.taskId().value().equals(r.key())),
                    "no chroot-ready: no buildroot was made for it");
            try (Stream<Path> left = Files.list(BUILDROOTS)) {
                assertEquals(List.of(), left.toList(), "no buildroot left");
            }
        }
    }
}
