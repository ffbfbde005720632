package org.debian.bootc.scheduler;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/**
 * Dispatch latency and compose throughput of the packaged scheduler (its own JVM, as
 * deployed) on the real broker and database. Not a test: run its {@code main} (see
 * docs/benchmarks.md). Arguments: {@code [latencySamples [tasks [edges [rounds]]]]}, default
 * 500, 10000, 2000 and 3.
 *
 * <p>The throughput rounds come first, each a new compose; the first is the cold start, the
 * later ones (and the latency run after them) measure the warm service.
 *
 * <p>Latency: one compose of {@code latencySamples} independent tasks, planned first;
 * one {@code package-build-queued} at a time, 100 ms apart (so a sample measures the
 * dispatch path, not a queue behind earlier samples), timed from the producer's
 * acknowledged send to the moment a consumer of {@code build-tasks.amd64} polls the
 * dispatch (both ends in this JVM, one clock). The first 50 are warm-up.
 *
 * <p>Throughput: one compose of {@code tasks} tasks with {@code edges} dependency edges
 * (each edge from a random earlier task, so the graph is a DAG), all queued at once;
 * this JVM answers every dispatch at once with a successful package-built (no builds).
 * Timed from the first send to {@code compose-built}. The planner's and the executor's
 * records are encoded before the clock starts: they are other machines' work.
 */
public final class DispatchBench {

    private static final String DATABASE = "schedbench";

    private DispatchBench() {
    }

    public static void main(String[] args) throws Exception {
        // The broker runs in this JVM and logs through SLF4J to JBoss LogManager, which answers "trace is on"
        // unless it is java.util.logging's manager: the broker and the clients then format every trace line.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int edges = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        new LocalStackTestResource().start();
        String kafka = LocalStackTestResource.kafka().bootstrapServers();
        EmbeddedPostgresServer pg = LocalStackTestResource.postgres();
        pg.createDatabase(DATABASE);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", kafka);
        config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(DATABASE));
        config.put("quarkus.datasource.username", pg.username());
        config.put("quarkus.datasource.password", pg.password());
        config.put("quarkus.log.level", "WARN");
        // a 10,000-task hand-off is about 1.5 MB of JSON (docs/task-scheduler.md: compose-built-max-bytes)
        config.put("bootc.scheduler.compose-built-max-bytes", String.valueOf(4 * 1024 * 1024));
        try (SchedulerProcess scheduler = SchedulerProcess.start("dispatch-bench", config);
                KafkaProducer<String, byte[]> producer = producer(kafka)) {
            scheduler.awaitReadiness(200, Duration.ofSeconds(120));
            // the executor heartbeats every 5 s, as a real one does, so amd64 stays served
            Thread heartbeats = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        send(producer, Fixtures.heartbeat("bench-executor", List.of("amd64")));
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "heartbeats");
            heartbeats.setDaemon(true);
            heartbeats.start();
            Thread.sleep(1000);
            // throughput first: round 1 is the cold start (the JIT compiles the scheduler's and the broker's
            // paths as it goes); the later rounds, and the latency samples after them, measure a warm service
            for (int round = 1; tasks > 0 && round <= rounds; round++) {
                System.out.printf("throughput round %d of %d%s%n", round, rounds, round == 1 ? " (cold)" : "");
                throughput(kafka, pg, producer, tasks, edges, new CpuMeter(scheduler.pid(), pg.dataDir()));
            }
            latency(kafka, pg, producer, samples);
            heartbeats.interrupt();
        }
        System.exit(0);
    }

    private static void latency(String kafka, EmbeddedPostgresServer pg, KafkaProducer<String, byte[]> producer,
            int samples) throws Exception {
        ComposeId compose = Fixtures.newCompose();
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            ids.add(Fixtures.taskId(compose, "lat" + i, "amd64"));
        }
        send(producer, Fixtures.planned(compose, ids.toArray(TaskId[]::new)));
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        // wall clock too, to place the task row's timestamp and the record's between the two ends
        Map<String, Instant> sentWall = new ConcurrentHashMap<>();
        Map<String, Instant> seenWall = new ConcurrentHashMap<>();
        // the dispatch record's timestamp: the relay's producer stamps it when it sends (CreateTime, in ms)
        Map<String, Instant> relayedWall = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> probe = consumer(kafka, Topics.buildTasks("amd64"))) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : probe.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        if (r.key() != null && r.key().startsWith(compose.value())) {
                            seenAt.putIfAbsent(r.key(), now);
                            seenWall.putIfAbsent(r.key(), Instant.now());
                            relayedWall.putIfAbsent(r.key(), Instant.ofEpochMilli(r.timestamp()));
                        }
                    }
                }
            }
        });
        consumer.start();
        Thread.sleep(3000); // the probe joins its group and reaches the end of the topic
        for (int i = 0; i < samples; i++) {
            sentWall.put(ids.get(i).value(), Instant.now());
            sentAt.put(ids.get(i).value(), System.nanoTime());
            producer.send(record(Fixtures.queued(compose, "lat" + i, "amd64", null))).get();
            Thread.sleep(100);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seenAt.size() < samples && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        stop.set(true);
        consumer.join();
        long[] micros = ids.stream().skip(50).filter(id -> seenAt.containsKey(id.value()))
                .mapToLong(id -> (seenAt.get(id.value()) - sentAt.get(id.value())) / 1000).sorted().toArray();
        System.out.printf("latency package-build-queued -> build-tasks.amd64 consumer: n=%d (of %d after warm-up)"
                + " p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n", micros.length, samples - 50,
                pct(micros, 50), pct(micros, 90), pct(micros, 99), micros[micros.length - 1] / 1000.0);
        latencyParts(pg, compose, ids.subList(50, ids.size()), sentWall, seenWall, relayedWall);
    }

    /**
     * Where the dispatch latency goes: the task row's created_at is the start of the
     * consumer's transaction (PostgreSQL's now()), the dispatch record's timestamp the
     * moment the outbox relay sent it (the relay deletes the row once the broker has it).
     */
    private static void latencyParts(EmbeddedPostgresServer pg, ComposeId compose, List<TaskId> ids,
            Map<String, Instant> sentWall, Map<String, Instant> seenWall, Map<String, Instant> relayedWall)
            throws Exception {
        List<Long> toTransaction = new ArrayList<>();
        List<Long> toRelay = new ArrayList<>();
        List<Long> toConsumer = new ArrayList<>();
        try (Connection c = pg.connect(DATABASE); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select task_id, created_at from task"
                        + " where compose_id = '" + compose.value() + "'")) {
            while (rs.next()) {
                String id = rs.getString(1);
                Instant sent = sentWall.get(id);
                Instant seen = seenWall.get(id);
                Instant relayed = relayedWall.get(id);
                if (sent == null || seen == null || relayed == null || !ids.contains(new TaskId(id))) {
                    continue;
                }
                Instant begun = rs.getTimestamp(2).toInstant();
                toTransaction.add(Duration.between(sent, begun).toNanos() / 1000);
                toRelay.add(Duration.between(begun, relayed).toNanos() / 1000);
                toConsumer.add(Duration.between(relayed, seen).toNanos() / 1000);
            }
        }
        System.out.printf("latency parts (p50 / p99): send -> scheduler transaction begins %s;"
                + " transaction begins -> relay sends it %s; relay sends it -> consumer polls it %s%n",
                parts(toTransaction), parts(toRelay), parts(toConsumer));
    }

    private static String parts(List<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted.length == 0 ? "(none)" : String.format("%.1f / %.1f ms", pct(sorted, 50), pct(sorted, 99));
    }

    private static void throughput(String kafka, EmbeddedPostgresServer pg, KafkaProducer<String, byte[]> producer,
            int tasks, int edges, CpuMeter cpu) throws Exception {
        ComposeId compose = Fixtures.newCompose();
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(Fixtures.taskId(compose, "t" + i, "amd64"));
        }
        Random random = new Random(42);
        Map<Integer, List<TaskId>> waits = new HashMap<>();
        for (int e = 0; e < edges; e++) {
            int to = 1 + random.nextInt(tasks - 1);
            TaskId from = ids.get(random.nextInt(to));
            List<TaskId> list = waits.computeIfAbsent(to, k -> new ArrayList<>());
            if (!list.contains(from)) {
                list.add(from);
            } else {
                e--;
            }
        }
        // The planner and the executors are other machines: their records are encoded (and validated)
        // before the clock starts, so the two cores measure the scheduler, the broker and PostgreSQL,
        // not the bench encoding its own events.
        List<ProducerRecord<String, byte[]>> queued = new ArrayList<>(tasks);
        Map<String, ProducerRecord<String, byte[]>> firstResults = new HashMap<>();
        for (int i = 0; i < tasks; i++) {
            queued.add(record(Fixtures.queued(compose, "t" + i, "amd64", null,
                    waits.getOrDefault(i, List.of()).toArray(TaskId[]::new))));
            firstResults.put(ids.get(i).value(), record(Fixtures.built(ids.get(i), 1, compose, "bench-executor",
                    BuildResult.SUCCESS)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger dispatched = new AtomicInteger();
        AtomicLong lastDispatch = new AtomicLong();
        Thread executor = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> probe = consumer(kafka, Topics.buildTasks("amd64"))) {
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> r : probe.poll(Duration.ofMillis(100))) {
                        if (r.key() == null || !r.key().startsWith(compose.value())) {
                            continue;
                        }
                        dispatched.incrementAndGet();
                        lastDispatch.set(System.nanoTime());
                        int attempt = attemptOf(r);
                        ProducerRecord<String, byte[]> answer = attempt == 1 ? firstResults.get(r.key()) : null;
                        if (answer == null) { // a later attempt: decoded and answered in full
                            BuildTaskDispatched d = Fixtures.decode(EventType.BUILD_TASK_DISPATCHED, r);
                            answer = record(Fixtures.built(d.taskId(), d.attempt(), compose, "bench-executor",
                                    BuildResult.SUCCESS));
                        }
                        producer.send(answer);
                    }
                }
            }
        });
        executor.start();
        try (TopicProbe handoff = new TopicProbe(kafka, Topics.COMPOSE_BUILT)) {
            handoff.drain(Duration.ofSeconds(3));
            long[] cpuBefore = cpu.read();
            long start = System.nanoTime();
            send(producer, Fixtures.planned(compose, ids.toArray(TaskId[]::new)));
            for (ProducerRecord<String, byte[]> r : queued) {
                producer.send(r);
            }
            producer.flush();
            long sent = System.nanoTime();
            // done when compose-built arrives, or when the compose records why it could not be handed off
            String outcome = awaitHandOff(pg, handoff, compose, Duration.ofMinutes(30));
            long end = System.nanoTime();
            long[] cpuAfter = cpu.read();
            stop.set(true);
            executor.join();
            double seconds = (end - start) / 1e9;
            System.out.printf("throughput: %d tasks, %d edges: queued in %.1f s; %s after %.1f s:"
                    + " %.0f tasks/s end to end (%d dispatches answered)%n", tasks, edges, (sent - start) / 1e9,
                    outcome, seconds, tasks / seconds, dispatched.get());
            try (Connection c = pg.connect(DATABASE); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select count(*), extract(epoch from max(completed_at) - min(created_at))"
                            + " from task where compose_id = '" + compose.value() + "'")) {
                rs.next();
                System.out.printf("throughput (task rows): %d tasks, first arrival to last completion %.1f s:"
                        + " %.0f tasks/s%n", rs.getLong(1), rs.getDouble(2), rs.getLong(1) / rs.getDouble(2));
            }
            System.out.printf("throughput CPU per task (user+system, first send to compose-built):"
                    + " scheduler %.2f ms, PostgreSQL %.2f ms, this JVM (Kafka broker and the simulated planner and"
                    + " executor) %.2f ms; machine %d cores over %.1f s%n",
                    cpu.millis(cpuAfter[0] - cpuBefore[0]) / tasks, cpu.millis(cpuAfter[1] - cpuBefore[1]) / tasks,
                    cpu.millis(cpuAfter[2] - cpuBefore[2]) / tasks, Runtime.getRuntime().availableProcessors(),
                    (end - start) / 1e9);
        }
    }

    /** The attempt number of a dispatch, read without decoding the whole event. */
    private static int attemptOf(ConsumerRecord<String, byte[]> r) {
        try {
            return Fixtures.CODEC.mapper().readTree(r.value()).path("attempt").asInt(0);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static String awaitHandOff(EmbeddedPostgresServer pg, TopicProbe handoff, ComposeId compose,
            Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (handoff.drain(Duration.ofMillis(200)).stream().anyMatch(r -> compose.value().equals(r.key()))) {
                return "compose-built";
            }
            try (Connection c = pg.connect(DATABASE); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select handoff_error from compose where compose_id = '"
                            + compose.value() + "' and handoff_error is not null")) {
                if (rs.next()) {
                    return "done, not handed off (" + rs.getString(1) + ")";
                }
            }
        }
        throw new IllegalStateException("compose " + compose + " not done within " + timeout);
    }

    /**
     * CPU time (user + system, clock ticks from /proc) of the scheduler JVM, of the
     * PostgreSQL server (its postmaster and every child: backends, WAL writer, checkpointer)
     * and of this JVM.
     */
    private record CpuMeter(long schedulerPid, Path pgDataDir) {

        long[] read() throws Exception {
            long postmaster = Long.parseLong(Files.readAllLines(pgDataDir.resolve("postmaster.pid")).get(0).strip());
            long pgTicks = ticks(postmaster);
            try (var children = Files.list(Path.of("/proc"))) {
                for (Path p : children.filter(f -> f.getFileName().toString().matches("\\d+")).toList()) {
                    String[] stat = stat(p.resolve("stat"));
                    if (stat != null && Long.parseLong(stat[1]) == postmaster) {
                        pgTicks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                    }
                }
            }
            return new long[] { ticks(schedulerPid), pgTicks, ticks(ProcessHandle.current().pid()) };
        }

        double millis(long ticks) {
            return ticks * 1000.0 / 100; // USER_HZ, 100 on Linux
        }

        private static long ticks(long pid) throws Exception {
            String[] stat = stat(Path.of("/proc", String.valueOf(pid), "stat"));
            return stat == null ? 0 : Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
        }

        /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime. */
        private static String[] stat(Path file) {
            try {
                String line = Files.readString(file);
                return line.substring(line.lastIndexOf(')') + 2).split(" ");
            } catch (Exception e) {
                return null; // gone meanwhile
            }
        }
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
    }

    /**
     * A consumer of {@code topic} in a group of its own from the start of the topic (as an
     * executor is); its poll returns as soon as a fetch brings records, without spinning.
     */
    private static KafkaConsumer<String, byte[]> consumer(String kafka, String topic) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        conf.put(ConsumerConfig.GROUP_ID_CONFIG, "dispatch-bench-" + java.util.UUID.randomUUID());
        conf.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500); // see the topic soon if it is created later
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(conf, new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static KafkaProducer<String, byte[]> producer(String kafka) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(conf, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, Event event) throws Exception {
        producer.send(record(event)).get();
    }

    private static ProducerRecord<String, byte[]> record(Event event) {
        OutgoingEvent out = Fixtures.CODEC.encode(event, "/bench/task-scheduler");
        RecordHeaders headers = new RecordHeaders();
        out.headers().forEach((k, v) -> headers.add(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return new ProducerRecord<>(out.topic(), null, out.key(), out.payload(), headers);
    }

}
