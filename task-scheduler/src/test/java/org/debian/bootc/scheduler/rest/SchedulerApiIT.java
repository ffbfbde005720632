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
import static org.debian.bootc.scheduler.Fixtures.rows;
import static org.debian.bootc.scheduler.Fixtures.send;
import static org.debian.bootc.scheduler.Fixtures.task;
import static org.debian.bootc.scheduler.Fixtures.taskId;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.ComposeCancelRequested;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The REST API over a real compose: filters, task detail, retry, cancel, and the bearer token. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL)
class SchedulerApiIT {

    private static final String EXECUTOR = "api-executor";
    private static final String TOKEN = "Bearer test-token";

    private TopicProbe dispatches;
    private TopicProbe cancellations;
    private TopicProbe statuses;

    @BeforeEach
    void probes() {
        dispatches = new TopicProbe(kafka(), Topics.buildTasks("amd64"));
        cancellations = new TopicProbe(kafka(), Topics.BUILD_CANCELLATIONS);
        statuses = new TopicProbe(kafka(), Topics.TASK_STATUS, Topics.COMPOSE_BUILT);
        send(heartbeat(EXECUTOR, List.of("amd64")));
    }

    @AfterEach
    void close() {
        dispatches.close();
        cancellations.close();
        statuses.close();
    }

    /** A compose with a running task a, a task b blocked on a, and a running task c. */
    private record Running(ComposeId compose, TaskId a, TaskId b, TaskId c) {
    }

    private Running running() throws Exception {
        ComposeId compose = newCompose();
        TaskId a = taskId(compose, "alpha", "amd64");
        TaskId b = taskId(compose, "beta", "amd64");
        TaskId c = taskId(compose, "gamma", "amd64");
        send(planned(compose, a, b, c));
        send(queued(compose, "alpha", "amd64", null));
        send(queued(compose, "beta", "amd64", null, a));
        send(queued(compose, "gamma", "amd64", null));
        await(dispatches, EventType.BUILD_TASK_DISPATCHED, a.value(), d -> true);
        await(dispatches, EventType.BUILD_TASK_DISPATCHED, c.value(), d -> true);
        awaitTask(b, row -> "blocked".equals(row.get("status")), "blocked");
        return new Running(compose, a, b, c);
    }

    @Test
    void listsAndFiltersComposesAndTasksAndShowsATaskWithItsAttempts() throws Exception {
        Running r = running();
        send(chrootReady(r.a(), 1, r.compose(), EXECUTOR, "amd64"));
        Fixtures.awaitRows("select * from buildroot where task_id = ?", r.a().value());
        given().when().get("/api/tasks/" + r.a().value()).then().statusCode(200)
                .body("attempts[0].buildroot.state", equalTo("building"))
                .body("attempts[0].buildroot.expiredAt", nullValue())
                .body("attempts[0].buildroot.expiredReason", nullValue());

        given().when().get("/api/composes").then().statusCode(200)
                .body("composeId", hasItems(r.compose().value()));
        given().when().get("/api/composes/" + r.compose().value() + "/results").then().statusCode(409)
                .body("error", equalTo("compose " + r.compose().value()
                        + " is not done: some of its tasks are open or have not arrived"));
        given().when().get("/api/composes/" + r.compose().value()).then().statusCode(200)
                .body("compose.expectedTasks", equalTo(3))
                .body("compose.byStatus.running", equalTo(2))
                .body("compose.byStatus.blocked", equalTo(1))
                .body("tasks", hasSize(3));
        given().queryParam("compose", r.compose().value()).queryParam("status", "running")
                .when().get("/api/tasks").then().statusCode(200)
                .body("taskId", equalTo(List.of(r.a().value(), r.c().value())));
        given().queryParam("compose", r.compose().value()).queryParam("status", "blocked")
                .queryParam("architecture", "amd64")
                .when().get("/api/tasks").then().statusCode(200)
                .body("taskId", equalTo(List.of(r.b().value())))
                .body("[0].reason", equalTo("waiting for " + r.a()));
        given().queryParam("compose", r.compose().value()).queryParam("architecture", "arm64")
                .when().get("/api/tasks").then().statusCode(200).body("", hasSize(0));

        send(built(r.a(), 1, r.compose(), EXECUTOR, BuildResult.SUCCESS, deb(r.a(), "alpha_1.0-1_amd64.deb")));
        awaitTask(r.a(), is("completed", "success"), "completed with success");
        given().when().get("/api/tasks/" + r.a().value()).then().statusCode(200)
                .body("task.status", equalTo("completed"))
                .body("task.result", equalTo("success"))
                .body("dependents", equalTo(List.of(r.b().value())))
                .body("attempts", hasSize(1))
                .body("attempts[0].executorId", equalTo(EXECUTOR))
                .body("attempts[0].applied", equalTo(true))
                .body("attempts[0].buildroot.buildrootId", equalTo("br-" + r.a().value().replace(':', '-') + "-1"))
                .body("attempts[0].buildroot.installed", containsString("\"make\""))
                .body("attempts[0].buildroot.state", equalTo("expired"))
                .body("attempts[0].buildroot.expiredAt", notNullValue())
                .body("attempts[0].buildroot.expiredReason", equalTo("package-built success"))
                .body("attempts[0].logLocation", containsString("/logs/"))
                .body("attempts[0].artifacts[0].name", equalTo("alpha_1.0-1_amd64.deb"));
    }

    @Test
    void badQueriesAndUnknownIdsAreAnsweredWithTheReason() {
        given().queryParam("status", "sleeping").when().get("/api/tasks").then().statusCode(400)
                .body("error", equalTo("status 'sleeping' is not a task status: pending, blocked, running, completed or aborted"));
        given().queryParam("limit", 0).when().get("/api/composes").then().statusCode(400)
                .body("error", equalTo("limit 0 is out of range: 1 to 10000"));
        given().when().get("/api/tasks/nope:nothing:amd64").then().statusCode(404)
                .body("error", equalTo("task nope:nothing:amd64 is unknown"));
        given().when().get("/api/composes/nope-1-20261125.t.0").then().statusCode(404);
        given().when().get("/api/composes/nope-1-20261125.t.0/results").then().statusCode(404)
                .body("error", equalTo("compose nope-1-20261125.t.0 is unknown"));
        given().header("Authorization", TOKEN).when().post("/api/tasks/nope:nothing:amd64/retry").then()
                .statusCode(404);
        given().header("Authorization", TOKEN).when().post("/api/composes/nope-1-20261125.t.0/cancel").then()
                .statusCode(404).body("error", equalTo("compose nope-1-20261125.t.0 is unknown"));
        given().header("Authorization", TOKEN).contentType(ContentType.JSON).body("[\"not an object\"]")
                .when().post("/api/composes/nope-1-20261125.t.0/cancel").then().statusCode(400)
                .body("error", containsString("the body is not a JSON object with requestedBy and reason"));
    }

    /** A path or filter text that cannot be an id names nothing: it is answered as an unknown id is. */
    @Test
    void textsThatAreNoIdsAreAnsweredAsUnknownIds() {
        given().when().get("/api/tasks/-x").then().statusCode(404).body("error", equalTo("task -x is unknown"));
        given().when().get("/api/tasks/-x/log").then().statusCode(404);
        given().header("Authorization", TOKEN).when().post("/api/tasks/-x/retry").then().statusCode(404)
                .body("error", equalTo("task -x is unknown"));
        given().when().get("/api/composes/nope").then().statusCode(404).body("error", equalTo("compose nope is unknown"));
        given().when().get("/api/composes/nope/results").then().statusCode(404)
                .body("error", equalTo("compose nope is unknown"));
        given().header("Authorization", TOKEN).when().post("/api/composes/nope/cancel").then().statusCode(404)
                .body("error", equalTo("compose nope is unknown"));
        given().queryParam("compose", "nope").when().get("/api/tasks").then().statusCode(200).body("", hasSize(0));
        given().queryParam("compose", "nope").queryParam("status", "sleeping").when().get("/api/tasks").then()
                .statusCode(400);
    }

    @Test
    void mutatingCallsWithoutTheRightTokenAre401AndChangeNothing() throws Exception {
        Running r = running();
        given().when().post("/api/composes/" + r.compose().value() + "/cancel").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("Authorization header is missing"));
        given().header("Authorization", "Bearer wrong").when().post("/api/composes/" + r.compose().value() + "/cancel")
                .then().statusCode(401).body("error", equalTo("the bearer token is not the configured one"));
        given().header("Authorization", "Basic dGVzdA==").when().post("/api/tasks/" + r.a().value() + "/retry")
                .then().statusCode(401).body("error", containsString("not a bearer token"));
        Thread.sleep(1000);
        assertEquals("running", task(r.a()).get("status"));
        assertEquals("blocked", task(r.b()).get("status"));
        assertTrue(rows("select * from compose where compose_id = ? and cancelled_at is not null",
                r.compose().value()).isEmpty(), "not cancelled");
        assertTrue(cancellations.drain(Duration.ofSeconds(1)).stream()
                .noneMatch(x -> x.key().startsWith(r.compose().value())), "no executor was told to stop");
    }

    @Test
    void cancelAbortsWaitingTasksStopsRunningOnesAndIgnoresTheirLateResults() throws Exception {
        Running r = running();
        send(chrootReady(r.a(), 1, r.compose(), EXECUTOR, "amd64"));
        Fixtures.awaitRows("select * from buildroot where task_id = ?", r.a().value());
        given().header("Authorization", TOKEN).contentType(ContentType.JSON)
                .body("{\"requestedBy\":\"release-team\",\"reason\":\"wrong manifest\"}")
                .when().post("/api/composes/" + r.compose().value() + "/cancel").then().statusCode(200)
                .body("message", equalTo("compose cancelled by release-team: wrong manifest: 1 waiting task(s) aborted,"
                        + " 2 running task(s) told to stop"));
        for (TaskId running : List.of(r.a(), r.c())) {
            BuildTaskCancelled stop = await(cancellations, EventType.BUILD_TASK_CANCELLED, running.value(), x -> true);
            assertEquals(1, stop.attempt());
            assertEquals("compose cancelled by release-team: wrong manifest", stop.reason());
            await(statuses, EventType.TASK_STATUS_CHANGED, running.value(),
                    s -> s.oldStatus() == TaskStatus.RUNNING && s.newStatus() == TaskStatus.ABORTED);
        }
        TaskStatusChanged aborted = await(statuses, EventType.TASK_STATUS_CHANGED, r.b().value(),
                s -> s.newStatus() == TaskStatus.ABORTED);
        assertEquals(TaskStatus.BLOCKED, aborted.oldStatus());

        send(built(r.a(), 1, r.compose(), EXECUTOR, BuildResult.SUCCESS, deb(r.a(), "alpha_1.0-1_amd64.deb")));
        Fixtures.awaitRows("select * from attempt where task_id = ? and result = 'success' and not applied",
                r.a().value());
        assertEquals("aborted", task(r.a()).get("status"));
        given().when().get("/api/tasks/" + r.a().value()).then().statusCode(200)
                .body("attempts[0].endReason", equalTo("cancelled: compose cancelled by release-team: wrong manifest"))
                .body("attempts[0].buildroot.state", equalTo("expired"))
                .body("attempts[0].buildroot.expiredAt", notNullValue())
                .body("attempts[0].buildroot.expiredReason",
                        equalTo("cancelled: compose cancelled by release-team: wrong manifest"));
        given().header("Authorization", TOKEN).when().post("/api/composes/" + r.compose().value() + "/cancel")
                .then().statusCode(409).body("error", containsString("was already cancelled"));
        given().when().get("/api/composes/" + r.compose().value() + "/results").then().statusCode(409)
                .body("error", equalTo("compose " + r.compose().value() + " was cancelled: it has no results to hand off"));
        assertTrue(statuses.drain(Duration.ofSeconds(2)).stream()
                .noneMatch(x -> Objects.equals(x.key(), r.compose().value())), "a cancelled compose is not handed off");
    }

    @Test
    void theCancelTopicDoesWhatTheRestCallDoes() throws Exception {
        Running r = running();
        send(new ComposeCancelRequested(r.compose(), "planner", "superseded by a newer compose"));
        await(cancellations, EventType.BUILD_TASK_CANCELLED, r.a().value(), x -> true);
        awaitTask(r.b(), row -> "aborted".equals(row.get("status")), "aborted");
        assertEquals("compose cancelled by planner: superseded by a newer compose", task(r.b()).get("reason"));
        // a task announced after the cancel is aborted on arrival
        TaskId late = taskId(r.compose(), "delta", "amd64");
        send(queued(r.compose(), "delta", "amd64", null));
        awaitTask(late, row -> "aborted".equals(row.get("status")), "aborted on arrival");
    }

    @Test
    void retryRunsAFailedTaskAgainAsANewAttemptAndItsSkippedDependentsWaitAgain() throws Exception {
        Running r = running();
        given().header("Authorization", TOKEN).when().post("/api/tasks/" + r.a().value() + "/retry").then()
                .statusCode(409).body("error", equalTo("task " + r.a()
                        + " is running: only a task that completed with failure or error can be retried"));
        send(built(r.a(), 1, r.compose(), EXECUTOR, BuildResult.FAILURE));
        awaitTask(r.b(), is("completed", "skipped"), "skipped");
        send(built(r.c(), 1, r.compose(), EXECUTOR, BuildResult.SUCCESS));
        await(statuses, EventType.COMPOSE_BUILT, r.compose().value(), x -> true);

        given().header("Authorization", TOKEN).when().post("/api/tasks/" + r.a().value() + "/retry").then()
                .statusCode(202).body("message", equalTo("task " + r.a() + " will run as attempt 2"));
        await(dispatches, EventType.BUILD_TASK_DISPATCHED, r.a().value(), d -> d.attempt() == 2);
        awaitTask(r.b(), row -> "blocked".equals(row.get("status")), "blocked again");
        send(built(r.a(), 2, r.compose(), EXECUTOR, BuildResult.SUCCESS));
        await(dispatches, EventType.BUILD_TASK_DISPATCHED, r.b().value(), d -> d.attempt() == 1);
        send(built(r.b(), 1, r.compose(), EXECUTOR, BuildResult.SUCCESS));
        var again = await(statuses, EventType.COMPOSE_BUILT, r.compose().value(), x -> true);
        assertEquals("complete", again.outcome().wireName(), "the reopened compose is handed off again");
        assertFalse(rows("select * from attempt where task_id = ? and attempt = 2 and supersedes = 1",
                r.a().value()).isEmpty());
    }
}
