package org.debian.bootc.planner.messaging;

import static org.debian.bootc.planner.PlannerFixtures.count;
import static org.debian.bootc.planner.PlannerFixtures.database;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.planner.PlannerFixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Publishing waits for the broker's acknowledgement: with the broker down an outbox
 * row stays pending, and it is published, then deleted, once the broker is back.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OutboxRelayIT {

    @Test
    void aRowLeavesTheOutboxOnlyAfterTheBrokerAcknowledgedIt() throws Exception {
        OutgoingEvent event = PlannerFixtures.CODEC.encode(new ComposeStatusChanged(null,
                new RequestId("relay-" + System.nanoTime()), null, ComposeStatus.REJECTED, "relay test", List.of()),
                "/compose-planner");
        var kafka = LocalStackTestResource.kafka();
        kafka.stop();
        try {
            try (Connection c = database(); PreparedStatement insert = c.prepareStatement(
                    "insert into outbox (event_id, topic, msg_key, headers, payload) values (?, ?, ?, ?, ?)")) {
                insert.setString(1, event.id());
                insert.setString(2, event.topic());
                insert.setString(3, event.key());
                insert.setString(4, new ObjectMapper().writeValueAsString(event.headers()));
                insert.setString(5, new String(event.payload(), StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
            Thread.sleep(3000);
            assertEquals(1, count("select count(*) from outbox where event_id = ?", event.id()),
                    "kept while no broker acknowledges it");
        } finally {
            kafka.restart();
        }
        try (TopicProbe status = new TopicProbe(kafka.bootstrapServers(), Topics.COMPOSE_STATUS)) {
            status.await(r -> event.id().equals(TopicProbe.header(r, CloudEventHeaders.ID)), Duration.ofSeconds(90));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count("select count(*) from outbox where event_id = ?", event.id()) != 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the row was published but never deleted");
            }
            Thread.sleep(100);
        }
    }
}
