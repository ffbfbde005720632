package org.debian.bootc.localstack;

import org.debian.bootc.events.Topics;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.LogManager;

/**
 * The one-machine stack: one Kafka broker and one PostgreSQL server with persistent data under one
 * directory, the topics and databases the services need, and {@code stack.env} describing how to reach
 * them. {@link #main(String[])} is the entry point of {@code java -jar local-stack-<version>.jar}.
 */
public final class LocalStack implements AutoCloseable {

    static final String USAGE = """
            usage: java -jar local-stack-runner.jar [options]
              --data DIR             data directory (default .stack): DIR/kafka, DIR/postgres, DIR/stack.env
              --kafka-port N         Kafka client port on localhost (default 19092, 0 = any free port)
              --postgres-port N      PostgreSQL port on localhost (default 15432, 0 = any free port)
              --topics a,b,c         topics to create (default: every topic of the event contract; others are auto-created on first use)
              --partitions N         partitions of the listed topics (default 3)
              --databases a,b        PostgreSQL databases to create (idempotent)
              --verbose              log at INFO instead of WARN (to stderr)
              --help                 this text
            Prints "READY kafka=localhost:<port> postgres=localhost:<port>" on stdout when both serve,
            then runs until SIGTERM or SIGINT and stops both cleanly.
            Commands on stdin, one per line (for fault tests; end of input is ignored):
              restart kafka          stops the broker and starts it on the same port and data, then
                                     prints "RESTARTED kafka=localhost:<port>\"""";

    private final Path dataDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedPostgresServer postgres;
    private final Set<String> databases = new LinkedHashSet<>();
    private final Path envFile;
    private boolean closed;

    private LocalStack(Path dataDir, EmbeddedKafka kafka, EmbeddedPostgresServer postgres, List<String> databases) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.databases.addAll(databases);
        this.envFile = dataDir.resolve("stack.env");
    }

    /**
     * Starts Kafka (data in {@code dataDir/kafka}) and PostgreSQL ({@code dataDir/postgres}) in parallel,
     * creates the topics and databases, and writes {@code dataDir/stack.env}.
     */
    public static LocalStack start(Path dataDir, int kafkaPort, int postgresPort, List<String> topics, int partitions,
            List<String> databases) {
        Path dir = dataDir.toAbsolutePath().normalize();
        databases.forEach(EmbeddedPostgresServer::checkName);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        CompletableFuture<EmbeddedKafka> k = CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort));
        CompletableFuture<EmbeddedPostgresServer> p = CompletableFuture
                .supplyAsync(() -> EmbeddedPostgresServer.start(dir.resolve("postgres"), postgresPort));
        EmbeddedKafka kafka = null;
        EmbeddedPostgresServer postgres = null;
        RuntimeException failure = null;
        try {
            kafka = k.join();
        } catch (CompletionException e) {
            failure = unwrap(e);
        }
        try {
            postgres = p.join();
        } catch (CompletionException e) {
            RuntimeException f = unwrap(e);
            if (failure == null) {
                failure = f;
            } else {
                failure.addSuppressed(f);
            }
        }
        LocalStack stack = new LocalStack(dir, kafka, postgres, databases);
        if (failure != null) {
            stack.close();
            throw failure;
        }
        try {
            kafka.createTopics(topics, partitions);
            databases.forEach(postgres::createDatabase);
            stack.writeEnv();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException r ? r : e;
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedPostgresServer postgres() {
        return postgres;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code dataDir/stack.env}. */
    public Path envFile() {
        return envFile;
    }

    /** Creates the topics (idempotent, see {@link EmbeddedKafka#createTopics}). */
    public void createTopics(List<String> topics, int partitions) {
        kafka.createTopics(topics, partitions);
    }

    /** Creates the databases (idempotent) and adds their URLs to {@code stack.env}. */
    public synchronized void createDatabases(List<String> names) {
        names.forEach(EmbeddedPostgresServer::checkName);
        names.forEach(postgres::createDatabase);
        if (databases.addAll(names) && !closed) {
            writeEnv();
        }
    }

    /** The KEY=VALUE pairs written to {@code stack.env}, in file order. */
    public synchronized Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("POSTGRES_HOST", postgres.host());
        env.put("POSTGRES_PORT", Integer.toString(postgres.port()));
        env.put("POSTGRES_USER", postgres.username());
        env.put("POSTGRES_PASSWORD", postgres.password());
        for (String db : databases) {
            String key = db.toUpperCase(Locale.ROOT);
            env.put("POSTGRES_JDBC_URL_" + key, postgres.jdbcUrl(db));
            env.put("POSTGRES_REACTIVE_URL_" + key, postgres.reactiveUrl(db));
        }
        return env;
    }

    private synchronized void writeEnv() {
        StringBuilder sb = new StringBuilder("# written by local-stack; removed when it stops\n");
        env().forEach((key, value) -> sb.append(key).append('=').append(value).append('\n'));
        try {
            Path tmp = Files.createTempFile(dataDir, "stack.env", ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, envFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + envFile, e);
        }
    }

    /** Removes {@code stack.env} and stops both servers (Kafka first, so no client writes into a dying DB). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(envFile);
        } catch (IOException e) {
            // best effort
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Entry point; see {@link #USAGE}. */
    public static void main(String[] args) throws InterruptedException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (o.help) {
            System.out.println(USAGE);
            return;
        }
        configureLogging(o.verbose);
        PrintStream out = System.out;
        LocalStack[] holder = new LocalStack[1];
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LocalStack s;
            synchronized (holder) {
                s = holder[0];
            }
            if (s != null) {
                s.close();
            }
            stopped.countDown();
        }, "local-stack-shutdown"));
        LocalStack stack;
        try {
            stack = start(o.data, o.kafkaPort, o.postgresPort, o.topics, o.partitions, o.databases);
        } catch (RuntimeException e) {
            System.err.println("local-stack: start failed: " + describe(e));
            System.exit(1);
            return;
        }
        synchronized (holder) {
            holder[0] = stack;
        }
        out.println("READY kafka=" + stack.kafka().bootstrapServers() + " postgres=localhost:" + stack.postgres().port());
        out.flush();
        Thread control = new Thread(() -> readCommands(stack, System.in, out, System.err), "local-stack-commands");
        control.setDaemon(true);
        control.start();
        stopped.await();
    }

    /** Runs the commands read from {@code in} (see {@link #USAGE}) until its end; an unknown one is reported. */
    static void readCommands(LocalStack stack, InputStream in, PrintStream out, PrintStream err) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String command = line.strip();
                if (command.isEmpty()) {
                    continue;
                }
                if (command.equals("restart kafka")) {
                    try {
                        stack.kafka().restart();
                        out.println("RESTARTED kafka=" + stack.kafka().bootstrapServers());
                    } catch (RuntimeException e) {
                        err.println("local-stack: restart kafka failed: " + describe(e));
                    }
                } else {
                    err.println("local-stack: unknown command '" + command + "' on stdin (known: restart kafka)");
                }
                out.flush();
                err.flush();
            }
        } catch (IOException e) {
            err.println("local-stack: cannot read commands from stdin: " + e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    /**
     * WARN for everything (Kafka is chatty at INFO) and INFO for this package, on stderr, unless the JVM was
     * given its own {@code java.util.logging.config.file}.
     */
    static void configureLogging(boolean verbose) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        String conf = String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                ".level=" + (verbose ? "INFO" : "WARNING"),
                "org.debian.bootc.localstack.level=INFO",
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format=%1$tF %1$tT %4$s [%3$s] %5$s%6$s%n",
                "");
        try {
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(conf.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Command-line options. */
    static final class Options {
        Path data = Path.of(".stack");
        int kafkaPort = 19092;
        int postgresPort = 15432;
        List<String> topics = Topics.all();
        int partitions = 3;
        List<String> databases = List.of();
        boolean verbose;
        boolean help;

        static Options parse(String... args) {
            Options o = new Options();
            List<String> a = new ArrayList<>();
            for (String arg : args) { // --name=value → --name value
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 2) {
                    a.add(arg.substring(0, eq));
                    a.add(arg.substring(eq + 1));
                } else {
                    a.add(arg);
                }
            }
            for (int i = 0; i < a.size(); i++) {
                String name = a.get(i);
                switch (name) {
                    case "--help", "-h" -> o.help = true;
                    case "--verbose" -> o.verbose = true;
                    case "--data" -> o.data = Path.of(value(a, ++i, name));
                    case "--kafka-port" -> o.kafkaPort = port(value(a, ++i, name), name);
                    case "--postgres-port" -> o.postgresPort = port(value(a, ++i, name), name);
                    case "--topics" -> o.topics = list(value(a, ++i, name));
                    case "--partitions" -> {
                        o.partitions = integer(value(a, ++i, name), name);
                        if (o.partitions < 1) {
                            throw new IllegalArgumentException("--partitions must be >= 1");
                        }
                    }
                    case "--databases" -> {
                        o.databases = list(value(a, ++i, name));
                        for (String db : o.databases) {
                            try {
                                EmbeddedPostgresServer.checkName(db);
                            } catch (IllegalArgumentException e) {
                                throw new IllegalArgumentException("--databases: " + e.getMessage());
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            return o;
        }

        private static String value(List<String> a, int i, String name) {
            if (i >= a.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return a.get(i);
        }

        private static int integer(String v, String name) {
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": not a number: " + v);
            }
        }

        private static int port(String v, String name) {
            int p = integer(v, name);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException(name + ": not a port: " + v);
            }
            return p;
        }

        private static List<String> list(String v) {
            return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        }
    }
}
