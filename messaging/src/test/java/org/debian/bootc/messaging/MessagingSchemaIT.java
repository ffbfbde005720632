package org.debian.bootc.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.debian.bootc.localstack.EmbeddedPostgresServer;

/**
 * The kit's tables on a real PostgreSQL, migrated as a service's Flyway does it at start-up
 * (with {@link MessagingSchema} as its customizer): on an empty database, and on one whose
 * tables a service made before the kit owned them.
 */
class MessagingSchemaIT {

    @TempDir
    static Path dir;
    private static EmbeddedPostgresServer postgres;

    @BeforeAll
    static void start() {
        postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), 0);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void anEmptyDatabaseGetsTheServiceTablesThenTheKitTables() throws Exception {
        postgres.createDatabase("fresh");
        serviceFlyway("fresh", "classpath:org/debian/bootc/messaging/service").load().migrate();

        try (Connection c = postgres.connect("fresh")) {
            // the service's tables are there when the kit's migrations run: its history starts with a baseline
            assertEquals(List.of("0", "1"), column(c, "select version from " + MessagingSchema.HISTORY
                    + " where success order by installed_rank"));
            // the service's own migration ran first, on an empty schema: it was not baselined past
            assertEquals(List.of("1", "2"), column(c, "select version from service_history where success"
                    + " order by installed_rank"));
            assertEquals(List.of("1"), column(c, "select count(*) from service_table"));
            usable(c);
        }
    }

    @Test
    void aDatabaseMadeBeforeTheKitKeepsItsRowsAndRunsOnlyTheServicesLaterMigrations() throws Exception {
        postgres.createDatabase("older");
        // the service as it was: its history in flyway_schema_history, the outbox with published_at
        Flyway.configure().dataSource(dataSource("older")).locations("classpath:org/debian/bootc/messaging/legacy")
                .load().migrate();
        try (Connection c = postgres.connect("older"); Statement s = c.createStatement()) {
            s.execute("""
                    insert into outbox (event_id, topic, msg_key, headers, payload, published_at) values
                        ('sent', 't', 'k', '{}', 'p', now()), ('unsent', 't', 'k', '{}', 'p', null);
                    insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset)
                        values ('c', 'seen', 't', 0, 1);
                    """);
        }

        serviceFlyway("older", "classpath:org/debian/bootc/messaging/service").load().migrate();

        try (Connection c = postgres.connect("older")) {
            assertEquals(List.of("1", "2"), column(c, "select version from service_history where success"
                    + " order by installed_rank"), "baselined where the old history ended, then the later V2");
            assertEquals(List.of("1"), column(c, "select count(*) from service_table"), "V1 did not run again");
            assertEquals(List.of("0", "1"), column(c, "select version from " + MessagingSchema.HISTORY
                    + " where success order by installed_rank"));
            assertEquals(List.of("unsent"), column(c, "select event_id from outbox"),
                    "the sent row goes, the unsent one stays for the relay");
            assertEquals(List.of(), column(c, "select column_name from information_schema.columns"
                    + " where table_name = 'outbox' and column_name = 'published_at'"));
            assertEquals(List.of("seen"), column(c, "select event_id from processed_event"));
            usable(c);
        }
        // the next start changes nothing
        assertEquals(0, MessagingSchema.migrate(dataSource("older")));
        assertEquals(java.util.Optional.empty(), MessagingSchema.legacyVersion(
                Flyway.configure().dataSource(dataSource("older")).table("service_history")));
    }

    /** A service's Flyway as Quarkus makes it from the services' configuration, with the kit's customizer. */
    private static FluentConfiguration serviceFlyway(String database, String location) {
        FluentConfiguration configuration = Flyway.configure().dataSource(dataSource(database))
                .table("service_history").locations(location);
        new MessagingSchema().customize(configuration);
        return configuration;
    }

    private static PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(postgres.jdbcUrl(database));
        ds.setUser(postgres.username());
        ds.setPassword(postgres.password());
        return ds;
    }

    /** The relay's and the inbox's statements work on the tables. */
    private static void usable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("insert into outbox (event_id, topic, msg_key, headers, payload) values ('e2', 't', 'k', '{}', 'p')");
            s.execute("delete from outbox where event_id = 'e2'");
            s.execute("insert into processed_event (consumer, event_id, topic, kafka_partition, kafka_offset)"
                    + " values ('c', 'e', 't', 0, 1)");
            assertTrue(s.executeUpdate("delete from processed_event where event_id = 'e' and processed_at < now() + interval '1 minute'")
                    == 1);
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
