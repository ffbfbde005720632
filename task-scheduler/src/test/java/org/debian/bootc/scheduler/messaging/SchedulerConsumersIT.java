package org.debian.bootc.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.InstalledPackage;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.MalformedRecords;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The scheduler's four consumers on the real broker and database: inbox record, dedupe, dead letters. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class SchedulerConsumersIT {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SHA = "a".repeat(64);

    static Stream<Event> inputs() {
        ComposeId compose = ComposeId.of("minimal", "1", LocalDate.of(2026, 11, 24), ComposeType.TEST, 0);
        TaskId task = new TaskId("task-" + UUID.randomUUID());
        SourcePackage hello = new SourcePackage("hello", "2.10-3", "hello_2.10-3.dsc",
                List.of(new SourceFile("hello_2.10-3.dsc", SHA, 1183, "file:///srv/archive/debian/pool/main/h/hello/hello_2.10-3.dsc")));
        ExecutorId executor = new ExecutorId("executor-1");
        BuildrootId buildroot = new BuildrootId("br-" + UUID.randomUUID());
        return Stream.of(
                new PackageBuildQueued(compose, task, hello, "amd64", "bookworm", "file:///srv/archive/debian/", SHA,
                        BuildType.ANY, null, List.of(), SHA),
                new ChrootReady(buildroot, task, 1, compose, executor, "amd64", SHA,
                        List.of(new InstalledPackage("gcc", "4:12.2.0-3", "amd64"))),
                new PackageBuilt(task, 1, compose, executor, buildroot, BuildResult.SUCCESS,
                        List.of(new ArtifactRef(SHA, "debian:binary-package", "hello_2.10-3_amd64.deb", 53000,
                                "file:///var/lib/deb-bootc-compose/artifacts/sha256/" + SHA)),
                        "file:///var/lib/deb-bootc-compose/artifacts/sha256/" + SHA, null, 20000),
                new ExecutorHeartbeat(executor, List.of("amd64"), 1, List.of(), Instant.now()));
    }

    @ParameterizedTest(name = "{0}: recorded once, however often it is delivered")
    @MethodSource("inputs")
    void validEventIsRecordedOnceEvenWhenDeliveredTwice(Event input) throws Exception {
        OutgoingEvent event = CODEC.encode(input, "/tests/task-scheduler");
        send(event);
        send(event);
        awaitRows(event.id(), 1);
        // both copies share key and partition: once a later event is recorded, both were handled
        OutgoingEvent later = CODEC.encode(input, "/tests/task-scheduler");
        send(later);
        awaitRows(later.id(), 1);
        assertEquals(1, rows(event.id()));
    }

    @Test
    void eachMalformedKindGoesToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        Event valid = inputs().findFirst().orElseThrow();
        MalformedRecords.assertEachIsDeadLetteredAndConsumptionGoesOn(kafka(),
                CODEC.encode(valid, "/tests/task-scheduler"), 524288);
        OutgoingEvent after = CODEC.encode(valid, "/tests/task-scheduler");
        send(after);
        awaitRows(after.id(), 1);
    }

    private static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    private static void send(OutgoingEvent event) {
        TopicProbe.produce(kafka(), event.topic(), event.key(), event.headers(), event.payload());
    }

    private static long rows(String eventId) throws Exception {
        var pg = LocalStackTestResource.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("bootc"), pg.username(), pg.password());
                PreparedStatement s = c.prepareStatement(
                        "select count(*) from processed_event where consumer = 'task-scheduler' and event_id = ?")) {
            s.setString(1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitRows(String eventId, long expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rows(eventId) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("event " + eventId + ": expected " + expected + " processed_event rows, saw "
                        + rows(eventId));
            }
            Thread.sleep(50);
        }
    }
}
