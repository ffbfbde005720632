package org.debian.bootc.scheduler.messaging;

import static org.debian.bootc.scheduler.Fixtures.await;
import static org.debian.bootc.scheduler.Fixtures.awaitTask;
import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.heartbeat;
import static org.debian.bootc.scheduler.Fixtures.is;
import static org.debian.bootc.scheduler.Fixtures.kafka;
import static org.debian.bootc.scheduler.Fixtures.newCompose;
import static org.debian.bootc.scheduler.Fixtures.planned;
import static org.debian.bootc.scheduler.Fixtures.queued;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * PostgreSQL goes away under the scheduler (its database refuses connections and every
 * open one is terminated, as in a restart or fail-over) while inputs arrive; when it is
 * back the inputs are applied, and none of them was dead-lettered. A malformed record
 * sent meanwhile still goes to the dead-letter topic.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class DatabaseOutageIT {

    private static final String DATABASE = "bootc";
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @Test
    void inputsThatArriveDuringAnOutageAreAppliedAfterItNotDeadLettered() throws Exception {
        ComposeId compose = newCompose();
        TaskId hello = taskId(compose, "hello", "amd64");
        TaskId world = taskId(compose, "world", "amd64");
        send(heartbeat("outage-executor", List.of("amd64")));
        send(planned(compose, hello, world));
        send(queued(compose, "hello", "amd64", null));
        awaitTask(hello, is("running", null), "hello dispatched before the outage");

        try (TopicProbe dispatches = new TopicProbe(kafka(), Topics.buildTasks("amd64"));
                TopicProbe queuedDlq = new TopicProbe(kafka(), Topics.dlq(Topics.PACKAGE_BUILD_QUEUED));
                TopicProbe builtDlq = new TopicProbe(kafka(), Topics.dlq(Topics.PACKAGE_BUILT))) {
            OutgoingEvent malformed;
            try {
                databaseDown();
                send(built(hello, 1, compose, "outage-executor", BuildResult.SUCCESS));
                send(queued(compose, "world", "amd64", null, hello));
                OutgoingEvent valid = Fixtures.CODEC.encode(queued(compose, "extra", "amd64", null), "/tests/outage");
                malformed = new OutgoingEvent(valid.topic(), "outage-malformed", valid.id(), valid.type(), valid.headers(),
                        "{\"not\": \"a package-build-queued\"}".getBytes(StandardCharsets.UTF_8));
                Fixtures.send(malformed);
                Thread.sleep(OUTAGE.toMillis());
                assertEquals(List.of(), builtDlq.drain(Duration.ofMillis(500)),
                        "package-built is not dead-lettered while the database is down");
            } finally {
                databaseUp();
            }

            // the result applied: hello completes, world (waiting for it) is dispatched
            awaitTask(hello, is("completed", "success"), "hello's result applied after the outage");
            await(dispatches, EventType.BUILD_TASK_DISPATCHED, world.value(), d -> d.attempt() == 1);
            awaitTask(world, is("running", null), "world queued during the outage, dispatched after it");

            ConsumerRecord<String, byte[]> dead = queuedDlq.await(r -> "outage-malformed".equals(r.key()),
                    Fixtures.WAIT);
            String reason = TopicProbe.header(dead, CloudEventHeaders.DLQ_REASON);
            assertTrue(reason != null && !reason.contains("database"), "a bad record is dead-lettered for what is"
                    + " wrong with it, not for the outage: " + reason);
            List<String> deadKeys = queuedDlq.drain(Duration.ofSeconds(1)).stream().map(ConsumerRecord::key).toList();
            assertTrue(!deadKeys.contains(world.value()), "world is not dead-lettered: " + deadKeys);
            assertEquals(List.of(), builtDlq.drain(Duration.ofSeconds(1)).stream()
                    .filter(r -> hello.value().equals(r.key())).toList(), "hello's result is not dead-lettered");
        }
    }

    /** New connections to the scheduler's database are refused, open ones terminated. */
    private static void databaseDown() throws Exception {
        admin("alter database " + DATABASE + " allow_connections false",
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + DATABASE
                        + "' and pid <> pg_backend_pid()");
    }

    private static void databaseUp() throws Exception {
        admin("alter database " + DATABASE + " allow_connections true");
    }

    private static void admin(String... statements) throws Exception {
        EmbeddedPostgresServer pg = LocalStackTestResource.postgres();
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
