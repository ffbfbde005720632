package org.debian.bootc.localstack.test;

import org.debian.bootc.events.Topics;
import java.util.stream.Stream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.Exit;
import org.debian.bootc.localstack.EmbeddedKafka;
import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.LocalStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stack of a test JVM. {@link LocalStackTestResource} always reaches it through the system class
 * loader, so every Quarkus application of the JVM (one per test profile or resource set, each with its own
 * class loaders) shares the same broker and server. Its methods take and return JDK types only.
 */
public final class SharedStack {

    private static final Logger LOG = LoggerFactory.getLogger(SharedStack.class);
    private static LocalStack stack;
    private static Path dir;

    private SharedStack() {
    }

    /**
     * Starts the stack on first call (free ports, a temp directory, a JVM shutdown hook that stops it and
     * deletes the directory), then creates the topics and the database (both idempotent; a null or blank
     * database creates none).
     *
     * @return {@code kafka} and {@code postgres}: the servers' cross-class-loader handles
     */
    public static synchronized Map<String, Object> acquire(String topicsCsv, int partitions, String database) {
        List<String> requested = topicsCsv == null ? List.of()
                : Arrays.stream(topicsCsv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> databases = database == null || database.isBlank() ? List.of() : List.of(database.trim());
        if (stack == null) {
            // Every topic of the contract exists from the start, so a probe never waits for auto-creation.
            start(Stream.concat(Topics.all().stream(), requested.stream()).distinct().toList(), partitions, databases);
        } else {
            // Only what the caller names: a test may have stopped the broker and still ask for postgres().
            stack.createTopics(requested, partitions);
            stack.createDatabases(databases);
        }
        return Map.of("kafka", stack.kafka().crossClassLoaderHandle(),
                "postgres", stack.postgres().crossClassLoaderHandle());
    }

    /** The broker, for code loaded by the same class loader as this class. */
    static synchronized EmbeddedKafka kafka() {
        return stack == null ? null : stack.kafka();
    }

    /** The server, for code loaded by the same class loader as this class. */
    static synchronized EmbeddedPostgresServer postgres() {
        return stack == null ? null : stack.postgres();
    }

    private static void start(List<String> topics, int partitions, List<String> databases) {
        keepKafkaFromEndingTheJvm();
        quietServerLogs();
        try {
            dir = Files.createTempDirectory("local-stack-test-");
        } catch (IOException e) {
            throw new IllegalStateException("no temp directory", e);
        }
        long t0 = System.nanoTime();
        try {
            stack = LocalStack.start(dir, 0, 0, topics, partitions, databases);
        } catch (RuntimeException e) {
            deleteTree(dir);
            dir = null;
            throw e;
        }
        LOG.info("Test stack ready in {} ms: kafka={} postgres=localhost:{} data={}", (System.nanoTime() - t0) / 1_000_000,
                stack.kafka().bootstrapServers(), stack.postgres().port(), dir);
        Runtime.getRuntime().addShutdownHook(new Thread(SharedStack::shutdown, "local-stack-test-shutdown"));
    }

    private static synchronized void shutdown() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
        if (dir != null) {
            deleteTree(dir);
            dir = null;
        }
    }

    /**
     * The broker logs hundreds of INFO lines per start. In a test JVM its loggers are set to WARNING (through
     * java.util.logging, which is JBoss LogManager in a Quarkus test), unless {@code -Dlocal-stack.verbose=true}.
     * A test's {@code quarkus.log.category."org.apache.kafka".level} still wins: Quarkus applies it later.
     */
    private static void quietServerLogs() {
        if (Boolean.getBoolean("local-stack.verbose")) {
            return;
        }
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "io.zonky")) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            logger.setLevel(java.util.logging.Level.WARNING);
            QUIETED.add(logger); // JUL holds loggers weakly; the level would be lost with the logger
        }
    }

    private static final List<java.util.logging.Logger> QUIETED = new java.util.ArrayList<>();

    /**
     * Kafka halts the process on a fatal fault of its raft or metadata threads. In a test JVM that would end
     * the test run without a word ("The forked VM terminated"), so the fault is logged and thrown instead.
     */
    private static void keepKafkaFromEndingTheJvm() {
        Exit.setHaltProcedure((status, message) -> {
            LOG.error("Kafka asked to halt the JVM (status {}): {}", status, message);
            throw new IllegalStateException("Kafka halt(" + status + "): " + message);
        });
        Exit.setExitProcedure((status, message) -> {
            LOG.error("Kafka asked to exit the JVM (status {}): {}", status, message);
            throw new IllegalStateException("Kafka exit(" + status + "): " + message);
        });
    }

    static void deleteTree(Path root) {
        try {
            org.debian.bootc.debian.fs.Trees.delete(root);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
