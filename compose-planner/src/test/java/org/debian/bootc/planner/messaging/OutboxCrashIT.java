package org.debian.bootc.planner.messaging;

import static org.debian.bootc.planner.PlannerFixtures.encode;
import static org.debian.bootc.planner.PlannerFixtures.request;
import static org.debian.bootc.planner.PlannerFixtures.statusFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.messaging.OutboxRelay;
import org.debian.bootc.planner.PlannerProcess;

/**
 * The planner as its own process, killed for real: an outbox row committed just
 * before the process dies is published when it starts again, and the redelivered
 * request has no second effect. Also: readiness is down while the broker is.
 */
class OutboxCrashIT {

    private static final String DATABASE = "crashtest";
    private static final String TOPIC = "crash." + Topics.COMPOSE_REQUESTED;
    private static String kafka;
    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void startStack() {
        new LocalStackTestResource().start();
        kafka = LocalStackTestResource.kafka().bootstrapServers();
        postgres = LocalStackTestResource.postgres();
        postgres.createDatabase(DATABASE);
        postgres.createDatabase("healthtest");
        LocalStackTestResource.kafka().createTopics(List.of(TOPIC, Topics.dlq(TOPIC), Topics.COMPOSE_STATUS), 3);
    }

    private static Map<String, String> plannerConfig(String database, String bootstrap) {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("mp.messaging.incoming.compose-requested.topic", TOPIC);
        config.put("mp.messaging.incoming.compose-requested.dead-letter-queue.topic", Topics.dlq(TOPIC));
        config.put("mp.messaging.incoming.compose-requested.group.id", "crash-planner");
        return config;
    }

    @Test
    void outboxRowCommittedBeforeACrashIsPublishedOnRestartAndTheRequestIsNotAppliedTwice() throws Exception {
        ComposeRequested request = request("crash", "1");
        String requestId = request.requestId().value();
        OutgoingEvent event = encode(request);

        Map<String, String> faulty = plannerConfig(DATABASE, kafka);
        faulty.put("bootc.messaging.fault-point", "halt-before-publish");
        try (PlannerProcess planner = PlannerProcess.start("crash-planner-1", faulty)) {
            planner.awaitReadiness(200, Duration.ofSeconds(90));
            TopicProbe.produce(kafka, TOPIC, event.key(), event.headers(), event.payload());
            assertEquals(OutboxRelay.HALT_EXIT_CODE, planner.awaitExit(Duration.ofSeconds(180)),
                    "the planner halts at the fault point");
        }

        String statusEventId;
        try (Connection c = database(); PreparedStatement s = c.prepareStatement(
                "select event_id from outbox where payload::jsonb ->> 'requestId' = ?")) {
            s.setString(1, requestId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "the STARTED event was committed to the outbox before the crash");
                statusEventId = rs.getString(1);
            }
        }
        assertEquals(1, countIn("select count(*) from compose where request_id = ?", requestId));

        try (TopicProbe status = new TopicProbe(kafka, Topics.COMPOSE_STATUS);
                PlannerProcess planner = PlannerProcess.start("crash-planner-2", plannerConfig(DATABASE, kafka))) {
            status.await(r -> statusEventId.equals(TopicProbe.header(r, CloudEventHeaders.ID)), Duration.ofSeconds(90));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (countIn("select count(*) from outbox where event_id = ?", statusEventId) != 0
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, countIn("select count(*) from outbox where event_id = ?", statusEventId),
                    "the row leaves the outbox once the broker has it");
            // Give a redelivered compose-requested (its offset may not have been committed) time to arrive.
            Thread.sleep(3000);
            assertEquals(1, countIn("select count(*) from compose where request_id = ?", requestId));
            assertEquals(0, countIn("select count(*) from outbox where payload::jsonb ->> 'requestId' = ?", requestId),
                    "no second status row was enqueued");
            status.drain(Duration.ofSeconds(2));
            assertEquals(List.of(statusEventId), status.seen().stream()
                    .filter(r -> statusFor(r, requestId) != null
                            && statusFor(r, requestId).newStatus() == ComposeStatus.STARTED)
                    .map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().toList(),
                    "one status event for the request, however often it was sent");
        }
    }

    @Test
    void readinessIsDownWhileTheBrokerDoesNotAnswer() throws Exception {
        String nobody = "localhost:" + unusedPort();
        try (PlannerProcess planner = PlannerProcess.start("planner-no-broker", plannerConfig("healthtest", nobody))) {
            planner.awaitReadiness(503, Duration.ofSeconds(90));
            String body = planner.readinessBody();
            assertTrue(body.contains("\"DOWN\""), body);
            assertTrue(body.toLowerCase().contains("kafka"), body);
        }
    }

    private static Connection database() throws Exception {
        return java.sql.DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password());
    }

    private static long countIn(String sql, String arg) throws Exception {
        try (Connection c = database(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
