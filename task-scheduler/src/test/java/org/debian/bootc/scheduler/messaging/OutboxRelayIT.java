package org.debian.bootc.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The outbox holds only what is still to send: a row the broker has acknowledged is
 * deleted, and the records arrive in the order of their rows, with their headers.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class OutboxRelayIT {

    @Test
    void rowsTheBrokerHasAcknowledgedLeaveTheOutbox() throws Exception {
        String key = "relay-" + UUID.randomUUID();
        try (TopicProbe probe = new TopicProbe(Fixtures.kafka(), Topics.TASK_STATUS)) {
            for (int i = 1; i <= 3; i++) {
                Fixtures.update("insert into outbox (event_id, topic, msg_key, headers, payload) values (?, ?, ?, ?, ?)",
                        key + "-" + i, Topics.TASK_STATUS, key, "{\"ce_id\":\"" + key + "-" + i + "\"}",
                        "{\"n\":" + i + "}");
            }
            // the relay's timer (every second) finds rows nobody woke it for
            for (int i = 1; i <= 3; i++) {
                String id = key + "-" + i;
                ConsumerRecord<String, byte[]> r = probe.await(rec -> id.equals(TopicProbe.header(rec, "ce_id")),
                        Fixtures.WAIT);
                assertEquals(key, r.key());
                assertEquals("{\"n\":" + i + "}", TopicProbe.text(r));
            }
            List<Object> order = probe.seen().stream().filter(r -> key.equals(r.key()))
                    .map(r -> (Object) TopicProbe.header(r, "ce_id")).toList();
            assertEquals(List.of(key + "-1", key + "-2", key + "-3"), order, "sent in the order of their rows");
        }
        // rows sent and acknowledged are deleted from the outbox: the count reaches 0 (one row only then)
        Fixtures.awaitRows("select count(*) from outbox where msg_key = ? having count(*) = 0", key);
    }
}
