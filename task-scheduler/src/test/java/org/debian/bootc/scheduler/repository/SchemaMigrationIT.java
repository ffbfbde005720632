package org.debian.bootc.scheduler.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.debian.bootc.localstack.EmbeddedPostgresServer;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Migrations that change rows the scheduler already wrote, each on a database of its own
 * on the real PostgreSQL: the migrations before it first, then rows as the scheduler
 * wrote them then, then the migration.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class SchemaMigrationIT {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /**
     * V6: buildroots of ended attempts become expired (when the attempt ended, with its end
     * reason), the others stay building.
     */
    @Test
    void buildrootsOfEndedAttemptsBecomeExpiredAndTheOthersStayBuilding() throws Exception {
        onNewDatabase(s -> {
            migrate(s, v -> v < 6);
            s.execute("""
                    insert into compose (compose_id) values ('c');
                    insert into task (task_id, compose_id, source, version, architecture, suite, build_type,
                        source_package, content_key, status, result, current_attempt)
                    values ('t1', 'c', 'foo', '1', 'amd64', 'trixie', 'binary', '{}', 'k1', 'running', null, 2),
                           ('t2', 'c', 'bar', '1', 'amd64', 'trixie', 'binary', '{}', 'k2', 'completed', 'success', 1);
                    insert into attempt (task_id, attempt, supersedes, dispatched_at, ended_at, end_reason)
                    values ('t1', 1, null, now() - interval '1 hour', timestamptz '2026-11-01 10:00:00+00',
                            'superseded: lease of attempt 1 expired'),
                           ('t1', 2, 1, now(), null, null);
                    insert into attempt (task_id, attempt, dispatched_at, result, applied, ended_at, end_reason)
                    values ('t2', 1, now(), 'success', true, timestamptz '2026-11-02 11:00:00+00', 'success');
                    insert into buildroot (buildroot_id, task_id, attempt, executor_id, architecture, base_key, installed)
                    values ('br-t1-1', 't1', 1, 'e', 'amd64', 'b', '[]'),
                           ('br-t1-2', 't1', 2, 'e', 'amd64', 'b', '[]'),
                           ('br-t2-1', 't2', 1, 'e', 'amd64', 'b', '[]');
                    """);
            migrate(s, v -> v == 6);

            Map<String, Map<String, Object>> after = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("""
                    select buildroot_id, state, expired_at = timestamptz '2026-11-01 10:00:00+00' as at_t1_end,
                        expired_at = timestamptz '2026-11-02 11:00:00+00' as at_t2_end, expired_at, expired_reason
                    from buildroot order by buildroot_id""")) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (String column : List.of("state", "at_t1_end", "at_t2_end", "expired_at", "expired_reason")) {
                        row.put(column, rs.getObject(column));
                    }
                    after.put(rs.getString("buildroot_id"), row);
                }
            }
            assertEquals("expired", after.get("br-t1-1").get("state"), "superseded attempt: " + after);
            assertEquals(true, after.get("br-t1-1").get("at_t1_end"), "expired when its attempt ended: " + after);
            assertEquals("attempt 1 ended: superseded: lease of attempt 1 expired",
                    after.get("br-t1-1").get("expired_reason"));
            assertEquals("building", after.get("br-t1-2").get("state"), "the running attempt: " + after);
            assertNull(after.get("br-t1-2").get("expired_at"));
            assertNull(after.get("br-t1-2").get("expired_reason"));
            assertEquals("expired", after.get("br-t2-1").get("state"), "the completed attempt: " + after);
            assertEquals(true, after.get("br-t2-1").get("at_t2_end"), "expired when its attempt ended: " + after);
            assertEquals("attempt 1 ended: success", after.get("br-t2-1").get("expired_reason"));

            // a new row is building unless told otherwise; expired needs when and why
            s.execute("""
                    insert into buildroot (buildroot_id, task_id, attempt, executor_id, architecture, base_key, installed)
                    values ('br-new', 't1', 2, 'e', 'amd64', 'b', '[]')""");
            try (ResultSet rs = s.executeQuery("select state from buildroot where buildroot_id = 'br-new'")) {
                assertTrue(rs.next());
                assertEquals("building", rs.getString(1));
            }
            SQLException noWhen = assertThrows(SQLException.class, () -> s.execute(
                    "update buildroot set state = 'expired' where buildroot_id = 'br-new'"));
            assertTrue(noWhen.getMessage().contains("buildroot_expired_when"), noWhen.getMessage());
            SQLException unknown = assertThrows(SQLException.class, () -> s.execute(
                    "update buildroot set state = 'repo_init' where buildroot_id = 'br-new'"));
            assertTrue(unknown.getMessage().contains("buildroot_state_check"), unknown.getMessage());
        });
    }

    /**
     * V7 on a database that holds composes: a planned one gets the count of the task ids it
     * announced, one not planned yet none; a plan without its count is refused.
     */
    @Test
    void plannedComposesGetTheCountOfTheirTasks() throws Exception {
        onNewDatabase(s -> {
            migrate(s, v -> v < 7);
            s.execute("""
                    insert into compose (compose_id, plan, expected_tasks, planned_at)
                    values ('planned', '{}', array['a', 'b', 'c'], now()), ('empty', '{}', array[]::text[], now());
                    insert into compose (compose_id) values ('unplanned');
                    """);
            migrate(s, v -> v == 7);

            Map<String, Object> counts = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("select compose_id, expected_count from compose order by compose_id")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getObject(2));
                }
            }
            assertEquals(3, counts.get("planned"), "announced tasks counted: " + counts);
            assertEquals(0, counts.get("empty"), "a compose with no tasks: " + counts);
            assertNull(counts.get("unplanned"), "not planned yet: " + counts);
            SQLException noCount = assertThrows(SQLException.class, () -> s.execute(
                    "update compose set expected_tasks = array['x'] where compose_id = 'unplanned'"));
            assertTrue(noCount.getMessage().contains("compose_expected_count_when_planned"), noCount.getMessage());
        });
    }

    /** Work on a database of its own. */
    @FunctionalInterface
    private interface OnDatabase {
        void run(Statement s) throws Exception;
    }

    /** Runs {@code work} on a new, empty database of the real PostgreSQL, dropped afterwards. */
    private static void onNewDatabase(OnDatabase work) throws Exception {
        String database = "migrate_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = Fixtures.db(); Statement s = admin.createStatement()) {
            s.execute("create database " + database);
        }
        EmbeddedPostgresServer pg = LocalStackTestResource.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(database), pg.username(), pg.password());
                Statement s = c.createStatement()) {
            work.run(s);
        } finally {
            try (Connection admin = Fixtures.db(); Statement s = admin.createStatement()) {
                s.execute("drop database if exists " + database + " with (force)");
            }
        }
    }

    /** Runs the migration scripts whose version {@code which} accepts, in version order. */
    private static void migrate(Statement s, java.util.function.IntPredicate which) throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            scripts = files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList();
        }
        for (Path script : scripts) {
            if (which.test(version(script))) {
                s.execute(Files.readString(script));
            }
        }
    }

    private static int version(Path script) {
        String name = script.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
