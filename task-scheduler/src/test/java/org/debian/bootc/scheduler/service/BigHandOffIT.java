package org.debian.bootc.scheduler.service;

import static org.debian.bootc.scheduler.Fixtures.awaitTask;
import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.deb;
import static org.debian.bootc.scheduler.Fixtures.heartbeat;
import static org.debian.bootc.scheduler.Fixtures.is;
import static org.debian.bootc.scheduler.Fixtures.kafka;
import static org.debian.bootc.scheduler.Fixtures.newCompose;
import static org.debian.bootc.scheduler.Fixtures.planned;
import static org.debian.bootc.scheduler.Fixtures.queued;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code compose-built-max-bytes} raised (as it is with the publisher's limit for
 * composes of thousands of packages), a hand-off of 1.2 MB of JSON, more than the
 * broker's 1 MiB {@code message.max.bytes}, reaches {@code compose-built} whole: the
 * outbox producer compresses it.
 */
@QuarkusTest
@TestProfile(BigHandOffIT.RaisedLimit.class)
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class BigHandOffIT {

    static final int LIMIT = 4 * 1024 * 1024;

    /** The hand-off limit raised to 4 MiB; every other event keeps 512 KiB. */
    public static class RaisedLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("bootc.scheduler.compose-built-max-bytes", String.valueOf(LIMIT));
        }
    }

    @Test
    void aHandOffOverTheBrokersMessageSizeGoesOutCompressed() throws Exception {
        ComposeId compose = newCompose();
        List<TaskId> ids = List.of(taskId(compose, "biga", "amd64"), taskId(compose, "bigb", "amd64"),
                taskId(compose, "bigc", "amd64"));
        send(heartbeat("big-executor", List.of("amd64")));
        try (TopicProbe handoffs = new TopicProbe(kafka(), Topics.COMPOSE_BUILT)) {
            send(planned(compose, ids.toArray(TaskId[]::new)));
            for (TaskId id : ids) {
                send(queued(compose, id.value().split(":")[1], "amd64", null));
            }
            for (TaskId id : ids) {
                awaitTask(id, is("running", null), "dispatched");
                // each result fits in an event (about 390 KB); the three together are about 1.2 MB
                ArtifactRef[] many = new ArtifactRef[1400];
                for (int i = 0; i < many.length; i++) {
                    many[i] = deb(id, "pkg" + i + "_1.0-1_amd64.deb");
                }
                send(built(id, 1, compose, "big-executor", BuildResult.SUCCESS, many));
            }
            ConsumerRecord<String, byte[]> record = handoffs.await(r -> compose.value().equals(r.key()),
                    Fixtures.WAIT);
            assertTrue(record.value().length > 1024 * 1024, "over the broker's 1 MiB uncompressed: "
                    + record.value().length);
            ComposeBuilt handoff = new EventCodec(LIMIT).decodeOrReject(EventType.COMPOSE_BUILT, record).payload();
            assertEquals(3, handoff.packages().size());
            assertTrue(handoff.packages().stream().allMatch(p -> p.artifacts().size() == 1400), "every artifact");
            Map<String, Object> row = Fixtures.rows("select * from compose where compose_id = ?", compose.value())
                    .get(0);
            assertNull(row.get("handoff_error"));
            assertEquals("complete", row.get("outcome"));
        }
    }
}
