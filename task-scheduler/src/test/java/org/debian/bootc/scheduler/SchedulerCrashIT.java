package org.debian.bootc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/**
 * The packaged scheduler as its own process, killed with SIGKILL in the middle of a
 * compose and started again: every task ends, each exactly once, and no task is
 * dispatched as a second effective attempt. A test thread plays the executor: it
 * answers every dispatch it reads with a successful package-built.
 */
class SchedulerCrashIT {

    private static final String DATABASE = "schedcrash";
    private static final String PREFIX = "crash.";
    private static final List<String> INPUTS = List.of(Topics.COMPOSE_PLANNED, Topics.PACKAGE_BUILD_QUEUED,
            Topics.CHROOT_READY, Topics.PACKAGE_BUILT, Topics.EXECUTOR_HEARTBEAT, Topics.COMPOSE_CANCEL);
    private static final int ROOTS = 30;
    private static String kafka;
    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void startStack() {
        new LocalStackTestResource().start();
        kafka = LocalStackTestResource.kafka().bootstrapServers();
        postgres = LocalStackTestResource.postgres();
        postgres.createDatabase(DATABASE);
        List<String> topics = new ArrayList<>();
        for (String input : INPUTS) {
            topics.add(PREFIX + input);
            topics.add(Topics.dlq(PREFIX + input));
        }
        LocalStackTestResource.kafka().createTopics(topics, 3);
    }

    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka);
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("bootc.scheduler.dispatch-interval", "0.2s");
        for (String input : INPUTS) {
            config.put("mp.messaging.incoming." + input + ".topic", PREFIX + input);
            config.put("mp.messaging.incoming." + input + ".dead-letter-queue.topic", Topics.dlq(PREFIX + input));
            config.put("mp.messaging.incoming." + input + ".group.id", "crash-scheduler");
        }
        return config;
    }

    private static void send(Event event) {
        OutgoingEvent out = Fixtures.CODEC.encode(event, "/tests/crash");
        TopicProbe.produce(kafka, PREFIX + out.topic(), out.key(), out.headers(), out.payload());
    }

    @Test
    void killedMidComposeItLosesNoTaskAndDispatchesNoneTwiceAsTheEffectiveAttempt() throws Exception {
        ComposeId compose = Fixtures.newCompose();
        List<TaskId> all = new ArrayList<>();
        List<Event> queued = new ArrayList<>();
        for (int i = 0; i < ROOTS; i++) {
            TaskId root = Fixtures.taskId(compose, "root" + i, "amd64");
            TaskId leaf = Fixtures.taskId(compose, "leaf" + i, "amd64");
            all.add(root);
            all.add(leaf);
            queued.add(Fixtures.queued(compose, "root" + i, "amd64", null));
            queued.add(Fixtures.queued(compose, "leaf" + i, "amd64", null, root));
        }

        Map<String, Set<Integer>> dispatchedAttempts = new ConcurrentHashMap<>();
        AtomicInteger dispatches = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread executor = new Thread(() -> {
            try (TopicProbe tasks = new TopicProbe(kafka, Topics.buildTasks("amd64"))) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : tasks.drain(Duration.ofMillis(100))) {
                        if (r.key() == null || !r.key().startsWith(compose.value())) {
                            continue;
                        }
                        BuildTaskDispatched d = Fixtures.decode(EventType.BUILD_TASK_DISPATCHED, r);
                        dispatchedAttempts.computeIfAbsent(d.taskId().value(), k -> ConcurrentHashMap.newKeySet())
                                .add(d.attempt());
                        dispatches.incrementAndGet();
                        send(Fixtures.built(d.taskId(), d.attempt(), compose, "crash-executor", BuildResult.SUCCESS,
                                Fixtures.deb(d.taskId(), d.taskId().value().split(":")[1] + "_1.0-1_amd64.deb")));
                    }
                }
            }
        }, "fake-executor");

        try (TopicProbe handoff = new TopicProbe(kafka, Topics.COMPOSE_BUILT)) {
            try (SchedulerProcess first = SchedulerProcess.start("crash-scheduler-1", config())) {
                first.awaitReadiness(200, Duration.ofSeconds(120));
                executor.start();
                send(Fixtures.heartbeat("crash-executor", List.of("amd64")));
                send(Fixtures.planned(compose, all.toArray(TaskId[]::new)));
                queued.forEach(SchedulerCrashIT::send);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (dispatches.get() < ROOTS / 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(dispatches.get() >= ROOTS / 2, "dispatching had started: " + dispatches.get());
                first.kill();
            }
            int atKill = dispatches.get();
            long doneAtKill = count("select count(*) from task where compose_id = ? and status = 'completed'",
                    compose.value());
            assertTrue(doneAtKill < all.size(), "killed mid-compose, with " + doneAtKill + " of " + all.size()
                    + " tasks done and " + atKill + " dispatches seen");

            try (SchedulerProcess second = SchedulerProcess.start("crash-scheduler-2", config())) {
                second.awaitReadiness(200, Duration.ofSeconds(120));
                send(Fixtures.heartbeat("crash-executor", List.of("amd64")));
                ConsumerRecord<String, byte[]> r = handoff.await(x -> compose.value().equals(x.key()),
                        Duration.ofSeconds(120));
                ComposeBuilt built = Fixtures.decode(EventType.COMPOSE_BUILT, r);
                assertEquals(ComposeOutcome.COMPLETE, built.outcome());
                assertEquals(new HashSet<>(all), new HashSet<>(built.packages().stream().map(p -> p.taskId()).toList()),
                        "every task is in the hand-off");
                assertEquals(all.size(), built.packages().size(), "each once");
            } finally {
                stop.set(true);
                executor.join(10_000);
            }
        }

        assertEquals(all.size(), count("select count(*) from task where compose_id = ? and status = 'completed'"
                + " and result = 'success'", compose.value()), "no task lost");
        assertEquals(all.size(), count("select count(*) from attempt a join task t on t.task_id = a.task_id"
                + " where t.compose_id = ? and a.applied", compose.value()), "one effective attempt per task");
        assertEquals(0, count("select count(*) from attempt a join task t on t.task_id = a.task_id"
                + " where t.compose_id = ? and a.attempt > 1", compose.value()), "no task dispatched a second time");
        for (TaskId task : all) {
            assertEquals(Set.of(1), dispatchedAttempts.get(task.value()),
                    task + ": the executors saw attempt 1 only (a re-sent record carries the same attempt)");
        }
    }

    private static long count(String sql, String arg) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.username(),
                postgres.password()); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, arg);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
