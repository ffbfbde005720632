package org.debian.bootc.scheduler.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.messaging.InboxRetention;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** processed_event rows past their retention are deleted; younger ones still dedupe. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class InboxRetentionIT {

    @Inject
    InboxRetention retention;

    @Test
    void rowsPastTheirRetentionAreDeletedAndYoungerOnesKept() throws Exception {
        String run = UUID.randomUUID().toString();
        // defaults: 7 days for inputs, 1 hour for heartbeats
        insert(run + "-queued-8d", Topics.PACKAGE_BUILD_QUEUED, "8 days");
        insert(run + "-queued-6d", Topics.PACKAGE_BUILD_QUEUED, "6 days");
        insert(run + "-heartbeat-2h", Topics.EXECUTOR_HEARTBEAT, "2 hours");
        insert(run + "-heartbeat-10m", Topics.EXECUTOR_HEARTBEAT, "10 minutes");

        int deleted = retention.prune();

        assertTrue(deleted >= 2, "at least the two rows past their retention are deleted, saw " + deleted);
        List<Object> left = Fixtures.rows("select event_id from processed_event where event_id like ? order by event_id",
                run + "%").stream().map(r -> r.get("event_id")).toList();
        assertEquals(List.of(run + "-heartbeat-10m", run + "-queued-6d"), left);
        assertEquals(0, retention.prune(), "a second prune finds nothing left to delete");
    }

    private static void insert(String eventId, String topic, String age) throws Exception {
        Fixtures.update("""
                insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset, processed_at)
                values ('task-scheduler', ?, ?, 0, 0, now() - cast(? as interval))""", eventId, topic, age);
    }
}
