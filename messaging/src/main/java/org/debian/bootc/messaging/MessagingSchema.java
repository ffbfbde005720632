package org.debian.bootc.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.migration.BaseJavaMigration;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.flyway.FlywayConfigurationCustomizer;

/**
 * The kit's own tables ({@code outbox}, {@code processed_event}), migrated once for every
 * service that uses the kit, in a schema history of their own ({@value #HISTORY}) beside the
 * service's: a service's migrations never repeat them, and the kit's later migrations do not
 * compete with a service's version numbers.
 *
 * <p>They run right after the service's own migrations, in the same start-up step (a callback
 * on the service's Flyway, added here as a {@link FlywayConfigurationCustomizer}), so they are
 * there before any consumer or relay starts. The service's tables are there by then, so the
 * kit's history always starts with a baseline at version 0; its {@code V1} creates what is
 * missing and brings an older outbox to the kit's shape.
 *
 * <p>The services' histories moved too, to a table of their own name, when their migrations
 * lost the kit's tables (their files changed): on a database made before, the service's
 * history starts as a baseline at the last version {@value #LEGACY_HISTORY} records.
 */
@ApplicationScoped
@IfBuildProperty(name = "bootc.messaging.outbox", stringValue = "enabled")
public class MessagingSchema implements FlywayConfigurationCustomizer {

    /** The kit's schema history table. */
    public static final String HISTORY = "messaging_schema_history";

    private static final Logger LOG = Logger.getLogger(MessagingSchema.class);

    /** Where every service's Flyway kept its history before the kit took its tables over. */
    static final String LEGACY_HISTORY = "flyway_schema_history";

    @Override
    public void customize(FluentConfiguration configuration) {
        legacyVersion(configuration).ifPresent(version -> {
            LOG.infof("%s starts at V%s, where %s left this database", configuration.getTable(), version,
                    LEGACY_HISTORY);
            configuration.baselineOnMigrate(true).baselineVersion(version);
        });
        List<Callback> callbacks = new ArrayList<>(Arrays.asList(configuration.getCallbacks()));
        callbacks.add(new AfterServiceMigrations());
        configuration.callbacks(callbacks.toArray(Callback[]::new));
    }

    /** Brings the kit's tables in {@code dataSource} up to date; returns how many kit migrations it applied. */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).table(HISTORY)
                // no scanning: the kit's migrations are listed here, and the service's db/migration is not ours
                .locations(new String[0]).javaMigrations(new V1__outbox_and_inbox())
                .baselineOnMigrate(true).baselineVersion("0")
                .load().migrate().migrationsExecuted;
    }

    /**
     * The last version applied in {@value #LEGACY_HISTORY} when the service's own history table
     * (renamed when the kit took its tables over) does not exist yet: the service's history
     * then starts there, as a baseline, and only its later migrations run.
     */
    static Optional<String> legacyVersion(FluentConfiguration configuration) {
        if (LEGACY_HISTORY.equals(configuration.getTable())) {
            return Optional.empty();
        }
        try (Connection c = configuration.getDataSource().getConnection()) {
            if (!exists(c, LEGACY_HISTORY) || exists(c, configuration.getTable())) {
                return Optional.empty();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select version from "
                    + LEGACY_HISTORY + " where success and version is not null order by installed_rank desc limit 1")) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + LEGACY_HISTORY + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select to_regclass(?) is not null")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static final class AfterServiceMigrations implements Callback {

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return false;
        }

        @Override
        public void handle(Event event, Context context) {
            // on the connection the service's migration holds (its pool may have no other to give, and a
            // second Flyway on another connection would wait for the advisory lock this one holds)
            migrate(new OneConnection(context.getConnection()));
        }

        @Override
        public String getCallbackName() {
            return "bootc-messaging-kit";
        }
    }

    /** A data source that hands out one open connection, which its users' close() leaves open. */
    private static final class OneConnection implements DataSource {

        private final Connection connection;

        OneConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection getConnection() {
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) {
            return getConnection();
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }

    /** The tables as the planner's V4 and the scheduler's V8 left them, from the SQL file of the same name. */
    static final class V1__outbox_and_inbox extends BaseJavaMigration {

        @Override
        public void migrate(org.flywaydb.core.api.migration.Context context) throws Exception {
            try (Statement statement = context.getConnection().createStatement()) {
                statement.execute(sql("V1__outbox_and_inbox.sql"));
            }
        }
    }

    static String sql(String name) {
        try (InputStream in = MessagingSchema.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the messaging kit's " + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
