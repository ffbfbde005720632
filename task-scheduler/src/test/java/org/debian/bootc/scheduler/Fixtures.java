package org.debian.bootc.scheduler;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.AptRepository;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.BuildrootId;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.ExecutorId;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.InstalledPackage;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/**
 * Builds the events a planner and an executor would send, sends them to the real
 * broker, and reads the scheduler's rows from the real database.
 */
public final class Fixtures {

    public static final EventCodec CODEC = new EventCodec();
    public static final Duration WAIT = Duration.ofSeconds(30);
    public static final String ARCHIVE = "file:///srv/test-archive/debian";
    public static final String SHA = "a".repeat(64);

    private Fixtures() {
    }

    /** A compose id no other test uses. */
    public static ComposeId newCompose() {
        String name = "sched" + UUID.randomUUID().toString().substring(0, 8);
        return ComposeId.of(name, "1", LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
    }

    public static TaskId taskId(ComposeId compose, String source, String arch) {
        return new TaskId(compose.value() + ":" + source + ":" + arch);
    }

    /** The sha256 of {@code bytes}, in lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha(String seed) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes());
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SourcePackage source(String name) {
        String dsc = name + "_1.0-1.dsc";
        return new SourcePackage(name, "1.0-1", dsc, List.of(new SourceFile(dsc, sha(name + "dsc"), 1183,
                ARCHIVE + "/pool/main/" + name.charAt(0) + "/" + name + "/" + dsc)));
    }

    /** package-build-queued for {@code source} on {@code arch}; content key unique unless given. */
    public static PackageBuildQueued queued(ComposeId compose, String source, String arch, String contentKey,
            TaskId... waitsFor) {
        return new PackageBuildQueued(compose, taskId(compose, source, arch), source(source), arch, "trixie", ARCHIVE,
                SHA, BuildType.ANY, null, Arrays.asList(waitsFor),
                contentKey != null ? contentKey : sha(compose.value() + source + arch));
    }

    public static ComposePlanned planned(ComposeId compose, List<TaskId> tasks, Failable failable) {
        ComposePlan plan = new ComposePlan("trixie", ARCHIVE, SHA, failable,
                List.of(new ImageTarget("amd64", "debian/trixie/amd64/minimal", "localhost:5000/debian-bootc", "latest",
                        Map.of(), List.of(new ResolvedPackage("base-files", "13.8", "amd64")))),
                List.of());
        return new ComposePlanned(compose, tasks, plan);
    }

    public static ComposePlanned planned(ComposeId compose, TaskId... tasks) {
        return planned(compose, List.of(tasks), new Failable(List.of(), List.of()));
    }

    public static ExecutorHeartbeat heartbeat(String executor, List<String> archs, TaskId... running) {
        return new ExecutorHeartbeat(new ExecutorId(executor), archs, 2, List.of(running), Instant.now());
    }

    public static ArtifactRef deb(TaskId task, String name) {
        String sha = sha(task.value() + name);
        return new ArtifactRef(sha, ArtifactRef.BINARY_PACKAGE, name, 4242,
                "file:///var/lib/deb-bootc-compose/artifacts/sha256/" + sha);
    }

    public static PackageBuilt built(TaskId task, int attempt, ComposeId compose, String executor, BuildResult result,
            ArtifactRef... artifacts) {
        return new PackageBuilt(task, attempt, compose, new ExecutorId(executor),
                new BuildrootId("br-" + task.value().replace(':', '-') + "-" + attempt), result, List.of(artifacts),
                "file:///var/lib/deb-bootc-compose/logs/" + task.value().replace(':', '_') + "." + attempt + ".log",
                result == BuildResult.SUCCESS ? null : "dpkg-buildpackage: error: debian/rules build subprocess returned exit status 2",
                1234);
    }

    public static ChrootReady chrootReady(TaskId task, int attempt, ComposeId compose, String executor, String arch) {
        return new ChrootReady(new BuildrootId("br-" + task.value().replace(':', '-') + "-" + attempt), task, attempt,
                compose, new ExecutorId(executor), arch, sha("base"),
                List.of(new InstalledPackage("gcc", "4:14.2.0-1", arch), new InstalledPackage("make", "4.4.1-1", arch)));
    }

    // ------------------------------------------------------------ broker

    public static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    public static OutgoingEvent send(Event event) {
        OutgoingEvent out = CODEC.encode(event, "/tests/task-scheduler");
        send(out);
        return out;
    }

    public static void send(OutgoingEvent out) {
        TopicProbe.produce(kafka(), out.topic(), out.key(), out.headers(), out.payload());
    }

    /** Decodes a record the scheduler wrote. */
    public static <E extends Event> E decode(EventType<E> type, ConsumerRecord<String, byte[]> record) {
        try {
            return CODEC.decode(type, record.headers(), record.value()).payload();
        } catch (Exception e) {
            throw new AssertionError("the scheduler wrote an invalid " + type.ceType() + ": " + e.getMessage(), e);
        }
    }

    /** The next record of {@code type} keyed {@code key} that matches. */
    public static <E extends Event> E await(TopicProbe probe, EventType<E> type, String key, Predicate<E> match) {
        ConsumerRecord<String, byte[]> r = probe.await(rec -> Objects.equals(rec.key(), key)
                && type.ceType().equals(TopicProbe.header(rec, "ce_type"))
                && match.test(decode(type, rec)), WAIT);
        return decode(type, r);
    }

    // ------------------------------------------------------------ database

    public static Connection db() throws Exception {
        EmbeddedPostgresServer pg = LocalStackTestResource.postgres();
        return DriverManager.getConnection(pg.jdbcUrl("bootc"), pg.username(), pg.password());
    }

    /** Rows of a query as column-name maps. */
    public static List<Map<String, Object>> rows(String sql, Object... args) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    public static int update(String sql, Object... args) throws Exception {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    public static Map<String, Object> task(TaskId task) throws Exception {
        List<Map<String, Object>> rows = rows("select * from task where task_id = ?", task.value());
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Waits until the task's row satisfies {@code match}; fails with the row as it last read. */
    public static Map<String, Object> awaitTask(TaskId task, Predicate<Map<String, Object>> match, String what)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Object> row;
        do {
            row = task(task);
            if (row != null && match.test(row)) {
                return row;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(task + ": expected " + what + ", the row reads " + row);
    }

    /** Waits until the query returns at least one row; fails with the query otherwise. */
    public static List<Map<String, Object>> awaitRows(String sql, Object... args) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        do {
            List<Map<String, Object>> found = rows(sql, args);
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no row within " + WAIT + " for: " + sql + " " + Arrays.toString(args));
    }

    public static Predicate<Map<String, Object>> is(String status, String result) {
        return row -> status.equals(row.get("status")) && Objects.equals(result, row.get("result"));
    }
}
