package org.debian.bootc.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real Apache Kafka 4.1 broker in this JVM: one KRaft node that is both broker and controller
 * ({@code process.roles=broker,controller}), started from the Kafka server classes
 * ({@link KafkaRaftServer} with a {@link KafkaConfig}).
 *
 * <p>The first start formats {@code dataDir/logs} the way {@code kafka-storage.sh format} does (a new
 * cluster id, the latest production metadata version). A later start on the same directory finds its
 * {@code meta.properties} and keeps the cluster id, the topics and the records. {@link #restart()} stops
 * and starts the broker on the same ports and the same data, for fault tests.
 *
 * <p>Listeners: {@code PLAINTEXT://localhost:<port>} for clients, {@code CONTROLLER://localhost:<other>}
 * for the raft quorum. Auto topic creation is on, the internal topics use replication factor 1, and
 * {@code group.initial.rebalance.delay.ms=0}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** The node id of the single KRaft node. */
    public static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Backend backend;

    private EmbeddedKafka(Backend backend) {
        this.backend = backend;
    }

    /**
     * Starts a broker and returns once an Admin {@code describeCluster} call is answered.
     *
     * @param dataDir where the broker keeps its log directory; created, formatted on first use, reused after
     * @param port    the client (PLAINTEXT) port on localhost, 0 for a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, Map.of());
    }

    /**
     * Like {@link #start(Path, int)}, with broker settings added to or replacing the defaults (not the
     * listeners, node id or log dir), e.g. {@code Map.of("log.retention.ms", "60000")}. Kept across
     * {@link #restart()}.
     */
    public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> brokerConfig) {
        Broker broker = new Broker(dataDir.toAbsolutePath(), Ports.orFree(port), Ports.freePort(), brokerConfig);
        Tccl.run(broker::start);
        return new EmbeddedKafka(broker);
    }

    /** {@code localhost:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return backend.bootstrapServers();
    }

    /** The client port. */
    public int port() {
        return backend.port();
    }

    /** The directory given to {@link #start(Path, int)}. */
    public Path dataDir() {
        return backend.dataDir();
    }

    /** The KRaft cluster id stored in {@code meta.properties}. */
    public String clusterId() {
        return backend.clusterId();
    }

    /** Whether the broker is running (false between {@link #stop()} and {@link #restart()}). */
    public boolean isRunning() {
        return backend.isRunning();
    }

    /**
     * Creates the topics that do not exist yet, with {@code partitions} partitions and replication factor 1,
     * and waits until every partition of every named topic has a leader. Idempotent; an existing topic with
     * fewer partitions is grown to {@code partitions}, never shrunk.
     */
    public void createTopics(Collection<String> topics, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
        }
        List<String> names = List.copyOf(topics);
        Tccl.run(() -> backend.createTopics(names, partitions));
    }

    /** Shuts the broker down cleanly (a controlled shutdown); the data stays. No-op when stopped. */
    public void stop() {
        Tccl.run(backend::stop);
    }

    /** Stops the broker if it runs, then starts it again on the same ports with the same data. */
    public void restart() {
        Tccl.run(backend::restart);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        Tccl.run(backend::close);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + dataDir() + "]";
    }

    /**
     * The operations of this broker as JDK types only ({@link String}, {@link Integer}, {@link Runnable},
     * {@link BiConsumer}, ...), so that code loaded by another class loader (a Quarkus test application) can
     * drive the same broker through {@link #attach(Map)}. Not needed for ordinary use.
     */
    public Map<String, Object> crossClassLoaderHandle() {
        Map<String, Object> h = new HashMap<>();
        h.put("bootstrapServers", bootstrapServers());
        h.put("port", port());
        h.put("dataDir", dataDir().toString());
        h.put("clusterId", clusterId());
        h.put("running", (BooleanSupplier) this::isRunning);
        h.put("createTopics", (BiConsumer<Collection<String>, Integer>) this::createTopics);
        h.put("stop", (Runnable) this::stop);
        h.put("restart", (Runnable) this::restart);
        h.put("close", (Runnable) this::close);
        return Map.copyOf(h);
    }

    /** A view of a broker started by another class loader, from its {@link #crossClassLoaderHandle()}. */
    public static EmbeddedKafka attach(Map<String, ?> handle) {
        return new EmbeddedKafka(new Attached(handle));
    }

    private interface Backend {
        String bootstrapServers();

        int port();

        Path dataDir();

        String clusterId();

        boolean isRunning();

        void createTopics(List<String> topics, int partitions);

        void stop();

        void restart();

        void close();
    }

    /** The real broker. */
    private static final class Broker implements Backend {
        private final Path dataDir;
        private final Path logDir;
        private final int port;
        private final int controllerPort;
        private final Map<String, String> overrides;
        private String clusterId;
        private KafkaRaftServer server;
        private Admin admin;

        Broker(Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
            for (String fixed : List.of("process.roles", "node.id", "controller.quorum.voters", "listeners",
                    "advertised.listeners", "listener.security.protocol.map", "controller.listener.names",
                    "inter.broker.listener.name", "log.dirs", "log.dir")) {
                if (overrides.containsKey(fixed)) {
                    throw new IllegalArgumentException(fixed + " is set by EmbeddedKafka");
                }
            }
            this.overrides = Map.copyOf(overrides);
            this.dataDir = dataDir;
            this.logDir = dataDir.resolve("logs");
            this.port = port;
            this.controllerPort = controllerPort;
        }

        @Override
        public String bootstrapServers() {
            return "localhost:" + port;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public Path dataDir() {
            return dataDir;
        }

        @Override
        public synchronized String clusterId() {
            return clusterId;
        }

        @Override
        public synchronized boolean isRunning() {
            return server != null;
        }

        synchronized void start() {
            if (server != null) {
                return;
            }
            long t0 = System.nanoTime();
            Ports.requireFree(port, "Kafka");
            KafkaConfig config = KafkaConfig.fromProps(properties(), false);
            clusterId = formatIfNeeded(config);
            KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                s.startup();
            } catch (RuntimeException e) {
                shutdownQuietly(s);
                throw e;
            }
            server = s;
            try {
                awaitReady();
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
            LOG.info("Kafka {} ready on {} (cluster {}, data {}) in {} ms", org.apache.kafka.common.utils.AppInfoParser.getVersion(),
                    bootstrapServers(), clusterId, logDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }

        private Properties properties() {
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", Integer.toString(NODE_ID));
            p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
            p.put("listeners", "PLAINTEXT://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            p.put("controller.listener.names", CONTROLLER_LISTENER);
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("log.dirs", logDir.toString());
            // One node: every internal topic with replication factor 1.
            p.put("offsets.topic.replication.factor", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("default.replication.factor", "1");
            p.put("min.insync.replicas", "1");
            // Fewer internal partitions than the defaults (50): the first consumer group and the first
            // transactional producer do not wait for 50 logs to be created and loaded.
            p.put("offsets.topic.num.partitions", "5");
            p.put("transaction.state.log.num.partitions", "5");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("auto.create.topics.enable", "true");
            p.put("num.partitions", "1");
            // Small machine (2 cores): fewer threads and a smaller log cleaner buffer than a production broker.
            p.put("num.network.threads", "2");
            p.put("num.io.threads", "4");
            p.put("background.threads", "4");
            p.put("num.recovery.threads.per.data.dir", "1");
            p.put("log.cleaner.threads", "1");
            p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
            // Heartbeat and session timeouts stay at Kafka's defaults (2 s / 9 s): shorter ones gained nothing
            // measurable on start or restart, and would fence the broker on a long GC pause of a busy test JVM.
            p.putAll(overrides);
            return p;
        }

        /** Formats the log directory unless it already is; returns the cluster id. */
        private String formatIfNeeded(KafkaConfig config) {
            Path meta = logDir.resolve("meta.properties");
            if (Files.isRegularFile(meta)) {
                Properties props = new Properties();
                try (InputStream in = Files.newInputStream(meta)) {
                    props.load(in);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + meta, e);
                }
                String nodeId = props.getProperty("node.id");
                if (!Integer.toString(NODE_ID).equals(nodeId)) {
                    throw new IllegalStateException(meta + " belongs to node " + nodeId + ", not " + NODE_ID);
                }
                String id = Objects.requireNonNull(props.getProperty("cluster.id"), "no cluster.id in " + meta);
                LOG.debug("Reusing formatted log directory {} of cluster {}", logDir, id);
                return id;
            }
            String id = Uuid.randomUuid().toString();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                Files.createDirectories(logDir);
                new Formatter()
                        .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                        .setNodeId(NODE_ID)
                        .setClusterId(id)
                        .setUnstableFeatureVersionsEnabled(false)
                        .setIgnoreFormatted(false)
                        .setControllerListenerName(CONTROLLER_LISTENER)
                        .setMetadataLogDirectory(config.metadataLogDir())
                        .setDirectories(List.of(logDir.toString()))
                        .run();
            } catch (Exception e) {
                throw new IllegalStateException("formatting " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8), e);
            }
            LOG.debug("Formatted {}: {}", logDir, out.toString(StandardCharsets.UTF_8).trim());
            return id;
        }

        private synchronized Admin admin() {
            if (admin == null) {
                Map<String, Object> conf = new HashMap<>();
                conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
                conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-stack-admin");
                conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
                conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
                conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
                conf.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50);
                conf.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
                admin = Admin.create(conf);
            }
            return admin;
        }

        private void awaitReady() {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin().describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for Kafka", e);
                }
                sleep(50);
            }
            throw new IllegalStateException("Kafka on " + bootstrapServers() + " not ready after " + READY_TIMEOUT, last);
        }

        @Override
        public void createTopics(List<String> topics, int partitions) {
            Set<String> wanted = topics.stream().map(String::trim).filter(t -> !t.isEmpty())
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            if (wanted.isEmpty()) {
                return;
            }
            Admin a;
            synchronized (this) {
                if (server == null) {
                    throw new IllegalStateException("Kafka is stopped");
                }
                a = admin();
            }
            try {
                Set<String> existing = a.listTopics().names().get(30, TimeUnit.SECONDS);
                List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t))
                        .map(t -> new NewTopic(t, partitions, (short) 1)).toList();
                if (!missing.isEmpty()) {
                    for (Map.Entry<String, KafkaFuture<Void>> e : a.createTopics(missing).values().entrySet()) {
                        try {
                            e.getValue().get(30, TimeUnit.SECONDS);
                        } catch (ExecutionException ex) {
                            if (!(ex.getCause() instanceof TopicExistsException)) {
                                throw ex;
                            }
                        }
                    }
                }
                // the broker's metadata lags the controller right after creation
                awaitLeaders(a, wanted, 1);
                Map<String, NewPartitions> grow = new HashMap<>();
                for (TopicDescription d : describe(a, wanted).values()) {
                    if (d.partitions().size() < partitions) {
                        grow.put(d.name(), NewPartitions.increaseTo(partitions));
                    }
                }
                if (!grow.isEmpty()) {
                    a.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
                }
                awaitLeaders(a, wanted, partitions);
            } catch (ExecutionException e) {
                throw new IllegalStateException("creating topics " + wanted + " failed", e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topics " + wanted + " timed out", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topics", e);
            }
        }

        private static Map<String, TopicDescription> describe(Admin a, Set<String> topics)
                throws InterruptedException, ExecutionException, TimeoutException {
            return a.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        }

        private static void awaitLeaders(Admin a, Set<String> topics, int partitions)
                throws InterruptedException, TimeoutException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> waitingFor = new ArrayList<>(topics);
            while (true) {
                try {
                    Map<String, TopicDescription> d = describe(a, topics);
                    waitingFor.clear();
                    for (TopicDescription td : d.values()) {
                        boolean ok = td.partitions().size() >= partitions;
                        for (TopicPartitionInfo pi : td.partitions()) {
                            ok &= pi.leader() != null && !pi.leader().isEmpty();
                        }
                        if (!ok) {
                            waitingFor.add(td.name());
                        }
                    }
                    if (waitingFor.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // UnknownTopicOrPartition right after creation: the broker's metadata lags the controller.
                }
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("no leader yet for " + waitingFor);
                }
                sleep(50);
            }
        }

        @Override
        public synchronized void stop() {
            if (server == null) {
                return;
            }
            long t0 = System.nanoTime();
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
            KafkaRaftServer s = server;
            server = null;
            shutdownQuietly(s);
            LOG.info("Kafka on {} stopped in {} ms", bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }

        private static void shutdownQuietly(KafkaRaftServer s) {
            try {
                s.shutdown();
                s.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Kafka shutdown: {}", e.toString());
            }
        }

        @Override
        public synchronized void restart() {
            stop();
            start();
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** A broker owned by another class loader, driven through its handle. */
    private static final class Attached implements Backend {
        private final Map<String, ?> h;

        Attached(Map<String, ?> handle) {
            this.h = Map.copyOf(handle);
        }

        @SuppressWarnings("unchecked")
        private <T> T get(String key) {
            Object v = h.get(key);
            if (v == null) {
                throw new IllegalArgumentException("handle has no " + key);
            }
            return (T) v;
        }

        @Override
        public String bootstrapServers() {
            return get("bootstrapServers");
        }

        @Override
        public int port() {
            return this.<Integer>get("port");
        }

        @Override
        public Path dataDir() {
            return Path.of(this.<String>get("dataDir"));
        }

        @Override
        public String clusterId() {
            return get("clusterId");
        }

        @Override
        public boolean isRunning() {
            return this.<BooleanSupplier>get("running").getAsBoolean();
        }

        @Override
        public void createTopics(List<String> topics, int partitions) {
            this.<BiConsumer<Collection<String>, Integer>>get("createTopics").accept(topics, partitions);
        }

        @Override
        public void stop() {
            this.<Runnable>get("stop").run();
        }

        @Override
        public void restart() {
            this.<Runnable>get("restart").run();
        }

        @Override
        public void close() {
            this.<Runnable>get("close").run();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
