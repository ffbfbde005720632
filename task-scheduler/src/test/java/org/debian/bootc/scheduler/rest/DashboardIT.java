package org.debian.bootc.scheduler.rest;

import static io.restassured.RestAssured.given;
import static org.debian.bootc.scheduler.Fixtures.await;
import org.debian.bootc.scheduler.Fixtures;
import static org.debian.bootc.scheduler.Fixtures.awaitTask;
import static org.debian.bootc.scheduler.Fixtures.built;
import static org.debian.bootc.scheduler.Fixtures.chrootReady;
import static org.debian.bootc.scheduler.Fixtures.deb;
import static org.debian.bootc.scheduler.Fixtures.heartbeat;
import static org.debian.bootc.scheduler.Fixtures.is;
import static org.debian.bootc.scheduler.Fixtures.kafka;
import static org.debian.bootc.scheduler.Fixtures.newCompose;
import static org.debian.bootc.scheduler.Fixtures.planned;
import static org.debian.bootc.scheduler.Fixtures.queued;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard of a real compose, loaded in headless Chromium (Debian's
 * {@code chromium}) as a person would see it: the DOM after the page's own script ran.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class DashboardIT {

    private static final String EXECUTOR = "dashboard-executor";
    private static final Path LOGS = Path.of(System.getProperty("java.io.tmpdir"), "task-scheduler-test-logs", "live");

    @TestHTTPResource("/")
    URL root;

    @Test
    void aPersonSeesTheComposeItsTasksAndTheLogOfTheRunningBuild() throws Exception {
        ComposeId compose = newCompose();
        TaskId done = taskId(compose, "libdash", "amd64");
        TaskId running = taskId(compose, "dash", "amd64");
        TaskId waiting = taskId(compose, "dashboard", "amd64");
        send(heartbeat(EXECUTOR, List.of("amd64")));
        try (TopicProbe dispatches = new TopicProbe(kafka(), Topics.buildTasks("amd64"))) {
            send(planned(compose, done, running, waiting));
            send(queued(compose, "libdash", "amd64", null));
            send(queued(compose, "dash", "amd64", null, done));
            send(queued(compose, "dashboard", "amd64", null, running));
            await(dispatches, EventType.BUILD_TASK_DISPATCHED, done.value(), d -> true);
            send(chrootReady(done, 1, compose, EXECUTOR, "amd64"));
            Fixtures.awaitRows("select * from buildroot where task_id = ?", done.value());
            send(built(done, 1, compose, EXECUTOR, BuildResult.SUCCESS, deb(done, "libdash1_1.0-1_amd64.deb")));
            await(dispatches, EventType.BUILD_TASK_DISPATCHED, running.value(), d -> true);
        }
        send(chrootReady(running, 1, compose, EXECUTOR, "amd64"));
        awaitTask(running, is("running", null), "running");
        Fixtures.awaitRows("select * from buildroot where task_id = ?", running.value());
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(running.value() + ".1.log");
        Files.writeString(log, "dpkg-buildpackage: info: source package dash\nmake[1]: Entering directory '/build/dash'\n",
                StandardCharsets.UTF_8);

        String index = text(chromium(root + "", 0));
        assertTrue(index.contains(compose.value() + " building 1 of 3 done (33%)"), index);

        String composePage = text(chromium(root + "composes/" + compose.value(), 0));
        assertTrue(composePage.contains("State: building. 1 of 3 tasks done (33%)."), composePage);
        assertTrue(composePage.contains(running + " dash 1.0-1 amd64 running 1 every dependency completed with success; attempt 1 dispatched to build-tasks.amd64"),
                composePage);
        assertTrue(composePage.contains(waiting + " dashboard 1.0-1 amd64 blocked 0 waiting for " + running),
                composePage);
        assertTrue(composePage.contains("amd64 0 1 1 1 0 3"), "by status and architecture: " + composePage);

        String taskPage = text(chromium(root + "tasks/" + running.value(), 3000));
        assertTrue(taskPage.contains("Status running"), taskPage);
        assertTrue(taskPage.contains("Waits for " + done + " (completed success)"), taskPage);
        assertTrue(taskPage.contains("Following the running build's log"), taskPage);
        assertTrue(taskPage.contains("br-" + running.value().replace(':', '-') + "-1 on " + EXECUTOR + ": building"),
                "the running attempt's buildroot is still in use: " + taskPage);
        assertTrue(taskPage.contains("make[1]: Entering directory '/build/dash'"),
                "the page's script fetched the live log: " + taskPage);

        String donePage = text(chromium(root + "tasks/" + done.value(), 0));
        java.time.Instant expiredAt = ((java.sql.Timestamp) Fixtures.rows(
                "select expired_at from buildroot where task_id = ?", done.value()).get(0).get("expired_at")).toInstant();
        assertTrue(donePage.contains("br-" + done.value().replace(':', '-') + "-1 on " + EXECUTOR + ": expired at "
                + expiredAt + " — package-built success"), "the finished attempt's buildroot expired, when and why: "
                + donePage);

        // following: the next piece starts where the last one ended
        String first = given().when().get("/api/tasks/" + running.value() + "/log").then().statusCode(200)
                .header("X-Log-Complete", "false").extract().asString();
        long offset = Long.parseLong(given().when().get("/api/tasks/" + running.value() + "/log").then()
                .extract().header("X-Log-Offset"));
        assertEquals(first.getBytes(StandardCharsets.UTF_8).length, offset);
        Files.writeString(log, "dh_auto_test\n", StandardOpenOption.APPEND);
        given().queryParam("offset", offset).when().get("/api/tasks/" + running.value() + "/log").then()
                .statusCode(200).body(equalTo("dh_auto_test\n"));
        given().when().get("/api/tasks/" + waiting.value() + "/log").then().statusCode(404)
                .body(equalTo("task " + waiting + " has no log yet"));
    }

    /** The DOM Chromium built for {@code url}, after up to {@code scriptMillis} of the page's own timers and fetches. */
    static String chromium(String url, int scriptMillis) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--user-data-dir=" + profile,
                "--dump-dom"));
        if (scriptMillis > 0) {
            command.add("--virtual-time-budget=" + scriptMillis);
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish loading " + url);
        }
        assertEquals(0, p.exitValue(), "chromium --dump-dom " + url);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** What a reader sees: the DOM without tags and scripts, whitespace collapsed. */
    static String text(String dom) {
        String noScripts = dom.replaceAll("(?s)<script.*?</script>", " ").replaceAll("(?s)<style.*?</style>", " ");
        String inline = noScripts.replaceAll("</?(strong|span|a|code|em)( [^>]*)?>", "");
        Matcher tags = Pattern.compile("<[^>]+>").matcher(inline);
        String plain = tags.replaceAll(" ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&#39;", "'").replace("&quot;", "\"");
        return plain.replaceAll("\\s+", " ").trim();
    }
}
