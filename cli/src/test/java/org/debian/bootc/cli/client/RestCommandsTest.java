package org.debian.bootc.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.FakeService.Answer;

/**
 * The REST commands against a small server that answers as the planner's and the
 * scheduler's documented APIs do: a unit test of the CLI's clients, not of the services.
 */
class RestCommandsTest {

    static final String ID = "minimal-1-20250131.n.0";
    static final String TASK = ID + ".hello.amd64";

    @TempDir
    Path home;

    FakeService planner;
    FakeService scheduler;

    @BeforeEach
    void start() throws Exception {
        planner = new FakeService();
        scheduler = new FakeService();
    }

    @AfterEach
    void stop() {
        planner.close();
        scheduler.close();
    }

    CliRun run(String... args) {
        return CliRun.run(Map.of("BOOTC_PLANNER_URL", planner.url(), "BOOTC_SCHEDULER_URL", scheduler.url()), home,
                false, args);
    }

    CliRun runWithToken(String... args) {
        return CliRun.run(Map.of("BOOTC_PLANNER_URL", planner.url(), "BOOTC_SCHEDULER_URL", scheduler.url(),
                "BOOTC_TOKEN", "s3cret"), home, false, args);
    }

    Path manifest(String name, String text) throws Exception {
        Path p = home.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void submitPostsTheManifestAndPrintsTheComposeId() throws Exception {
        planner.on("POST /composes", Answer.json(202,
                "{\"composeId\":\"" + ID + "\",\"requestId\":\"r-1\",\"status\":\"STARTED\"}"));
        Path yaml = manifest("minimal.yaml", "name: minimal\nversion: \"1\"\n");
        CliRun run = run("compose", "submit", yaml.toString());
        assertEquals(0, run.exit, run.toString());
        assertEquals(ID + "\n", run.out);
        FakeService.Request sent = planner.requests.get(0);
        assertEquals("name: minimal\nversion: \"1\"\n", sent.body());
        assertEquals("application/yaml", sent.header("Content-Type"));

        Path json = manifest("minimal.json", "{\"name\":\"minimal\",\"version\":\"1\"}");
        assertEquals(0, run("compose", "submit", json.toString()).exit);
        assertEquals("application/json", planner.requests.get(1).header("Content-Type"));
    }

    @Test
    void aRejectedManifestPrintsEveryViolationAndExits2() throws Exception {
        planner.on("POST /composes", Answer.json(400, "{\"type\":\"https://deb-bootc-compose.debian.org/problems/"
                + "invalid-manifest\",\"title\":\"The manifest is invalid\",\"status\":400,"
                + "\"detail\":\"2 violations; nothing was queued\",\"violations\":["
                + "{\"pointer\":\"/packages/0\",\"value\":\"\\\"no-such-package\\\"\",\"reason\":\"not in bookworm\"},"
                + "{\"pointer\":\"/suite\",\"reason\":\"required property 'suite' not found\"}]}"));
        CliRun run = run("compose", "submit", manifest("bad.yaml", "name: bad\nversion: 1\n").toString(), "--watch");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("bad.yaml' rejected by compose-planner: 2 violations; nothing was queued"), run.err);
        assertTrue(run.err.contains("  /packages/0 = \"no-such-package\": not in bookworm"), run.err);
        assertTrue(run.err.contains("  /suite: required property 'suite' not found"), run.err);
        assertEquals("", run.out);
    }

    @Test
    void anArchiveThePlannerCannotReachIsExit3() throws Exception {
        planner.on("POST /composes", Answer.json(503, "{\"type\":\"https://deb-bootc-compose.debian.org/problems/"
                + "archive-unavailable\",\"status\":503,\"detail\":\"InRelease: connection refused; nothing was queued\"}"));
        CliRun run = run("compose", "submit", manifest("m.yaml", "name: m\nversion: 1\n").toString());
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("HTTP 503 InRelease: connection refused"), run.err);
    }

    @Test
    void anUnreachablePlannerIsExit3NamingItsUrl() throws Exception {
        String closed = planner.url();
        planner.close();
        CliRun run = run("compose", "submit", manifest("m.yaml", "name: m\nversion: 1\n").toString());
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("compose-planner at " + closed + " (from BOOTC_PLANNER_URL) does not answer"),
                run.err);
    }

    @Test
    void showOfAnUnknownComposeIsExit2() {
        planner.on("GET /composes/" + ID, Answer.json(404, "{\"type\":\"x/no-such-compose\",\"status\":404,"
                + "\"detail\":\"no compose has the id '" + ID + "'\"}"));
        CliRun run = run("compose", "show", ID);
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("compose '" + ID + "' is unknown to compose-planner"), run.err);
    }

    @Test
    void showPrintsStatusTasksAndImages() {
        planner.on("GET /composes/" + ID, Answer.json(200, "{\"composeId\":\"" + ID + "\",\"requestId\":\"r-1\","
                + "\"status\":\"FINISHED\",\"createdAt\":\"2025-01-31T12:00:00Z\"}"));
        planner.on("GET /composes/" + ID + "/metadata/images.json", Answer.json(200, "{\"header\":{},\"payload\":"
                + "{\"images\":{\"bootc\":{\"amd64\":[{\"path\":\"localhost:5000/debian/minimal:1\","
                + "\"ostree_ref\":\"debian/bookworm/amd64/minimal\",\"ostree_commit\":\"" + "c".repeat(64) + "\"},"
                + "{\"arch\":\"amd64\",\"format\":\"raw\",\"type\":\"raw\",\"bootable\":true,"
                + "\"path\":\"file:///srv/disks/amd64/disk.raw\",\"checksums\":{\"sha256\":\"" + "d".repeat(64) + "\"},"
                + "\"size\":4294967296,\"ostree_ref\":\"debian/bookworm/amd64/minimal\",\"ostree_commit\":\""
                + "c".repeat(64) + "\"}]}}}}"));
        scheduler.on("GET /api/composes/" + ID, Answer.json(200, "{\"compose\":{\"composeId\":\"" + ID + "\","
                + "\"expectedTasks\":1,\"tasks\":1,\"terminal\":1,\"byStatus\":{\"completed\":1},"
                + "\"byResult\":{\"success\":1}},\"tasks\":[{\"taskId\":\"" + TASK + "\",\"status\":\"completed\","
                + "\"result\":\"success\",\"attempt\":1,\"source\":\"hello\",\"version\":\"2.10-3\"}]}"));
        CliRun run = run("compose", "show", ID);
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("status    FINISHED"), run.out);
        assertTrue(run.out.contains("tasks     1/1 done; by status completed 1; by result success 1"), run.out);
        assertTrue(run.out.contains(TASK) && run.out.contains("completed/success"), run.out);
        assertTrue(run.out.contains("image     amd64 localhost:5000/debian/minimal:1 ostree "
                + "debian/bookworm/amd64/minimal " + "c".repeat(64) + "\n"
                + "disk      amd64 raw file:///srv/disks/amd64/disk.raw sha256 " + "d".repeat(64)
                + " 4294967296 bytes\n"), run.out);
    }

    @Test
    void taskListSendsTheFilters() {
        scheduler.on("GET /api/tasks", Answer.json(200, "[{\"taskId\":\"" + TASK + "\",\"status\":\"running\","
                + "\"attempt\":2,\"source\":\"hello\",\"version\":\"2.10-3\",\"reason\":\"dispatched\"}]"));
        CliRun run = run("task", "list", "--compose", ID, "--status", "running", "--arch", "amd64");
        assertEquals(0, run.exit, run.toString());
        assertEquals("compose=" + ID + "&status=running&architecture=amd64", scheduler.requests.get(0).query());
        assertTrue(run.out.startsWith(TASK) && run.out.contains("running") && run.out.contains("(dispatched)"),
                run.out);
    }

    @Test
    void retryWithoutATokenIsRefusedWithAHint() {
        scheduler.on("POST /api/tasks/" + TASK + "/retry", r -> r.header("Authorization") == null
                ? Answer.json(401, "{\"error\":\"the Authorization header is missing: send 'Authorization: Bearer <token>'\"}")
                : Answer.json(202, "{\"message\":\"attempt 3 of " + TASK + " queued\"}"));
        CliRun refused = run("task", "retry", TASK);
        assertEquals(ExitCodes.BAD_INPUT, refused.exit, refused.toString());
        assertTrue(refused.err.contains("HTTP 401") && refused.err.contains("no token is configured"), refused.err);

        CliRun ok = runWithToken("task", "retry", TASK);
        assertEquals(0, ok.exit, ok.toString());
        assertEquals("attempt 3 of " + TASK + " queued\n", ok.out);
        assertEquals("Bearer s3cret", scheduler.requests.get(1).header("Authorization"));
    }

    @Test
    void retryOfATaskThatCannotBeRetriedIsExit2WithTheSchedulersReason() {
        scheduler.on("POST /api/tasks/" + TASK + "/retry", Answer.json(409,
                "{\"error\":\"task " + TASK + " is running; only a failed or aborted task can be retried\"}"));
        CliRun run = runWithToken("task", "retry", TASK);
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("only a failed or aborted task can be retried"), run.err);
    }

    @Test
    void cancelSendsWhoAndWhy() {
        scheduler.on("POST /api/composes/" + ID + "/cancel",
                Answer.json(200, "{\"message\":\"compose " + ID + " cancelled: 3 tasks aborted\"}"));
        CliRun run = runWithToken("compose", "cancel", ID, "--reason", "wrong manifest");
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("3 tasks aborted"), run.out);
        String body = scheduler.requests.get(0).body();
        assertTrue(body.contains("\"reason\":\"wrong manifest\"") && body.contains("\"requestedBy\":\""), body);

        scheduler.on("POST /api/composes/" + ID + "/cancel", Answer.json(404, "{\"error\":\"compose " + ID + " is unknown\"}"));
        CliRun unknown = runWithToken("compose", "cancel", ID);
        assertEquals(ExitCodes.BAD_INPUT, unknown.exit, unknown.toString());
        assertTrue(unknown.err.contains("compose " + ID + " is unknown to task-scheduler"), unknown.err);
    }

    private void taskDetail(String status, String result) {
        scheduler.on("GET /api/tasks/" + TASK, Answer.json(200, "{\"task\":{\"taskId\":\"" + TASK + "\",\"composeId\":\""
                + ID + "\",\"status\":\"" + status + "\"" + (result == null ? "" : ",\"result\":\"" + result + "\"")
                + ",\"attempt\":1,\"source\":\"hello\",\"version\":\"2.10-3\",\"architecture\":\"amd64\"},"
                + "\"suite\":\"bookworm\",\"buildType\":\"any\",\"contentKey\":\"" + "a".repeat(64) + "\","
                + "\"waitsFor\":[],\"attempts\":[{\"attempt\":1,\"applied\":true,\"executorId\":\"exec-0\"}]}"));
    }

    @Test
    void logFollowReadsPiecesUntilTheAttemptEnds() {
        taskDetail("running", null);
        AtomicInteger calls = new AtomicInteger();
        scheduler.on("GET /api/tasks/" + TASK + "/log", r -> {
            int n = calls.incrementAndGet();
            long offset = Long.parseLong(r.query().replace("offset=", ""));
            if (n == 1) {
                assertEquals(0, offset);
                return Answer.text(200, "dpkg-buildpackage -B\n", Map.of("X-Log-Offset", "21", "X-Log-Complete", "false"));
            }
            if (n == 2) {
                return Answer.text(200, "", Map.of("X-Log-Offset", "21", "X-Log-Complete", "false"));
            }
            assertEquals(21, offset);
            taskDetail("completed", "success");
            return Answer.text(200, "dpkg-deb: building package 'hello'\n",
                    Map.of("X-Log-Offset", "56", "X-Log-Complete", "true"));
        });
        CliRun run = run("task", "log", TASK, "--follow", "--interval", "20");
        assertEquals(0, run.exit, run.toString());
        assertEquals("dpkg-buildpackage -B\ndpkg-deb: building package 'hello'\n", run.out);
        assertTrue(run.err.contains("completed / success"), run.err);
    }

    @Test
    void logFollowOfAFailedBuildExits1() {
        taskDetail("completed", "failure");
        scheduler.on("GET /api/tasks/" + TASK + "/log", Answer.text(200, "make: *** [all] Error 2\n",
                Map.of("X-Log-Offset", "24", "X-Log-Complete", "true")));
        CliRun run = run("task", "log", TASK, "-f");
        assertEquals(ExitCodes.FAILED, run.exit, run.toString());
    }

    @Test
    void logAndShowOfAnUnknownTaskAreExit2() {
        scheduler.on("GET /api/tasks/" + TASK, Answer.json(404, "{\"error\":\"task " + TASK + " is unknown\"}"));
        CliRun log = run("task", "log", TASK);
        assertEquals(ExitCodes.BAD_INPUT, log.exit, log.toString());
        assertTrue(log.err.contains("task '" + TASK + "' is unknown to task-scheduler"), log.err);
        CliRun show = run("task", "show", TASK);
        assertEquals(ExitCodes.BAD_INPUT, show.exit, show.toString());
    }

    @Test
    void aLogNotWrittenYetIsExit2WithoutFollow() {
        taskDetail("pending", null);
        scheduler.on("GET /api/tasks/" + TASK + "/log", Answer.text(404, "task " + TASK + " has no log yet", Map.of()));
        CliRun run = run("task", "log", TASK);
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("has no log yet") && run.err.contains("--follow"), run.err);
    }

    @Test
    void taskShowPrintsAttempts() {
        taskDetail("running", null);
        CliRun run = run("task", "show", TASK);
        assertEquals(0, run.exit, run.toString());
        assertTrue(run.out.contains("source    hello 2.10-3 on amd64 (bookworm, build any)"), run.out);
        assertTrue(run.out.contains("attempt 1: running on exec-0"), run.out);
        assertNull(scheduler.requests.get(0).query());
    }
}
