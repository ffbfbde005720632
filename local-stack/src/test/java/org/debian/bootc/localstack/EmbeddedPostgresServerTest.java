package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerTest {

    @TempDir
    Path dir;

    @Test
    void keepsRowsAcrossARestartOnTheSameDirectory() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0)) {
            assertEquals("jdbc:postgresql://localhost:" + pg.port() + "/planner", pg.jdbcUrl("planner"));
            assertEquals("postgresql://localhost:" + pg.port() + "/planner", pg.reactiveUrl("planner"));
            pg.createDatabase("planner");
            pg.createDatabase("planner"); // idempotent
            try (Connection c = pg.connect("planner"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE compose (id text PRIMARY KEY, status text NOT NULL)");
                st.execute("INSERT INTO compose VALUES ('compose-1', 'STARTED')");
            }
        }
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0)) {
            try (Connection c = pg.connect("planner"); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT status, current_user FROM compose WHERE id = 'compose-1'")) {
                assertTrue(rs.next(), "row survived the restart");
                assertEquals("STARTED", rs.getString(1));
                assertEquals(pg.username(), rs.getString(2));
            }
        }
    }

    @Test
    void refusesNamesThatAreNotPlainIdentifiers() {
        assertThrows(IllegalArgumentException.class, () -> EmbeddedPostgresServer.checkName("x\"; DROP DATABASE y"));
        assertThrows(IllegalArgumentException.class, () -> EmbeddedPostgresServer.checkName("1abc"));
        assertEquals("task_scheduler", EmbeddedPostgresServer.checkName("task_scheduler"));
    }
}
