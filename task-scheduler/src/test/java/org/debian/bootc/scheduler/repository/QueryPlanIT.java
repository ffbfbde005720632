package org.debian.bootc.scheduler.repository;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.scheduler.Fixtures;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Queries that run on a timer whatever the load, checked against PostgreSQL's planner on
 * the real database: each can use the index meant for it. Sequential scans are switched
 * off for the check, so the planner takes the index whenever the query lets it; a query
 * that cannot use it still shows a scan of the whole table.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class QueryPlanIT {

    @Test
    void theDispatchPassFindsExpiredLeasesThroughTheLeaseIndexNotByReadingEveryAttempt() throws Exception {
        String plan = plan(AttemptRepository.EXPIRED.replace("?", "100"));
        assertTrue(plan.contains("attempt_lease"), "the partial index of open, dispatched attempts:\n" + plan);
    }

    private static String plan(String query) throws Exception {
        StringBuilder plan = new StringBuilder();
        try (Connection c = Fixtures.db(); Statement s = c.createStatement()) {
            s.execute("set enable_seqscan = off");
            try (ResultSet rs = s.executeQuery("explain " + query)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
