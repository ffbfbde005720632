package org.debian.bootc.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.ComposeCancelRequested;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.MalformedRecords;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The scheduler's consumers on the real broker and database: inbox record, dedupe, dead letters. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class SchedulerConsumersIT {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One valid event per input whose effect does not depend on earlier events. */
    static Stream<Event> inputs() {
        ComposeId compose = Fixtures.newCompose();
        return Stream.of(
                Fixtures.queued(compose, "hello", "amd64", null),
                Fixtures.planned(Fixtures.newCompose()),
                new ComposeCancelRequested(Fixtures.newCompose(), "tests", "no longer wanted"),
                Fixtures.heartbeat("executor-1", List.of("amd64")));
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
