package org.debian.bootc.cli.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.client.FakeService;
import org.debian.bootc.cli.client.FakeService.Answer;
import org.debian.bootc.events.ComposeOutcome;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.localstack.test.LocalStackTestResource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code compose watch} on the real broker: the events the services would write are
 * produced with the events module's codec, and the watcher follows them to the end.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class ComposeWatchIT {

    private static final AtomicInteger RESPIN = new AtomicInteger();
    /** Nothing listens on port 9 here: a planner that cannot be asked. */
    private static final String NO_PLANNER = "http://127.0.0.1:9";

    @TempDir
    Path home;

    static Events compose(String name) {
        return new Events(name + "-1-" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE) + ".n."
                + RESPIN.incrementAndGet());
    }

    Map<String, String> env(String planner) {
        return Map.of("BOOTC_KAFKA", Publish.kafka(), "BOOTC_PLANNER_URL", planner);
    }

    @Test
    void aWatcherStartedAfterTheComposeBeganFollowsItToFinishedAndPrintsTheImage() throws Exception {
        Events e = compose("late");
        Publish.events(e.status(null, ComposeStatus.STARTED, null), e.planned("hello", "gettext"),
                e.task("hello", 1, null, TaskStatus.PENDING, null, null),
                e.task("hello", 1, TaskStatus.PENDING, TaskStatus.RUNNING, null, null));

        CliRun.Running watch = CliRun.start(env(NO_PLANNER), home, "compose", "watch", e.id().value(), "--progress",
                "plain", "--timeout", "60");
        // the history first, a line per event, each stamped with its time
        watch.awaitOutput(o -> o.contains("[0/2 done, 1 running] task " + e.task("hello").value() + " attempt 1: running"),
                30);

        Publish.events(e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null));
        watch.awaitOutput(o -> o.contains("[1/2 done] task " + e.task("hello").value() + " attempt 1: completed success"),
                30);
        Publish.events(e.task("gettext", 1, null, TaskStatus.COMPLETED, TaskResult.SKIPPED, "unchanged"),
                e.built(ComposeOutcome.COMPLETE, "hello", "gettext"), e.imageWithDisks(),
                e.status(ComposeStatus.STARTED, ComposeStatus.FINISHED, null));

        CliRun run = watch.await(60);
        assertEquals(ExitCodes.OK, run.exit, run.toString());
        assertTrue(run.out.matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ compose " + e.id().value().replace(".", "\\.")
                + ": STARTED\n.*"), run.out);
        assertTrue(run.out.contains("[2/2 done] task " + e.task("gettext").value() + " attempt 1: completed skipped"
                + " (unchanged)\n"), run.out);
        assertTrue(run.out.contains("compose " + e.id() + " FINISHED"), run.out);
        assertTrue(run.out.contains("amd64: ostree ref " + e.ref() + " commit " + Events.COMMIT), run.out);
        assertTrue(run.out.contains("\namd64: image localhost:5000/debian/minimal:1-" + e.id() + "@" + Events.DIGEST
                + "\namd64: disk raw file:///srv/disks/" + e.id() + "/amd64/disk.raw sha256 " + "a".repeat(64)
                + " 4294967296 bytes\namd64: disk qcow2 file:///srv/disks/" + e.id() + "/amd64/disk.qcow2 sha256 "
                + "b".repeat(64) + " 912261120 bytes\n"), run.out);
        assertFalse(run.out.contains("\r"), "plain lines only: " + run.out);
    }

    @Test
    void aDoomedComposeExits1WithTheReasonAndTheFailedTask() throws Exception {
        Events e = compose("doomed");
        Publish.events(e.status(null, ComposeStatus.STARTED, null), e.planned("hello"),
                e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.FAILURE, "dpkg-buildpackage exit 2"),
                e.built(ComposeOutcome.DOOMED, "hello"),
                e.status(ComposeStatus.STARTED, ComposeStatus.DOOMED, "1 of 1 packages failed to build"));
        CliRun run = CliRun.run(env(NO_PLANNER), home, false, "compose", "watch", e.id().value(), "--timeout", "60");
        assertEquals(ExitCodes.FAILED, run.exit, run.toString());
        assertTrue(run.out.contains("compose " + e.id() + " ended DOOMED: 1 of 1 packages failed to build (1/1 done, 1 "
                + "failed)"), run.out);
        assertTrue(run.out.contains("task " + e.task("hello").value() + " attempt 1 completed failure: dpkg-buildpackage exit 2"),
                run.out);
    }

    @Test
    void anImageThatFailedIsShownAndFinishedIncompleteExits1() throws Exception {
        Events e = compose("incomplete");
        Publish.events(e.status(null, ComposeStatus.STARTED, null), e.planned("hello"),
                e.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, null),
                e.built(ComposeOutcome.COMPLETE, "hello"), e.imageFailed("var-run: /var/run is a directory"),
                e.status(ComposeStatus.STARTED, ComposeStatus.FINISHED_INCOMPLETE, "arm64 is failable"));
        CliRun run = CliRun.run(env(NO_PLANNER), home, true, "compose", "watch", e.id().value(), "--timeout", "60");
        assertEquals(ExitCodes.FAILED, run.exit, run.toString());
        assertTrue(run.out.contains("amd64: image failed at lint: var-run: /var/run is a directory"), run.out);
        // stdout "is a terminal" here: the steps that are not a task's are lines, the bar is drawn in place below
        // them, then the result follows on its own lines
        assertTrue(run.out.startsWith("compose " + e.id() + ": "), run.out);
        assertTrue(run.out.contains("compose " + e.id() + ": 1 build task(s) planned\n"), run.out);
        assertTrue(run.out.contains("compose " + e.id() + ": FINISHED_INCOMPLETE (arm64 is failable)\n\r["
                + "#".repeat(ProgressView.Bar.WIDTH) + "] 100% FINISHED_INCOMPLETE"), run.out);
        assertFalse(run.out.contains("task " + e.task("hello").value()), "no line per task in a terminal: " + run.out);
        assertTrue(run.out.contains("\namd64: image failed at lint: var-run: /var/run is a directory"), run.out);
    }

    @Test
    void aComposeNoEventNamesAndThePlannerDoesNotKnowIsExit2() throws Exception {
        Events e = compose("unknown");
        try (FakeService planner = new FakeService()) {
            planner.on("GET /composes/" + e.id(), Answer.json(404, "{\"type\":\"x/no-such-compose\",\"status\":404,"
                    + "\"detail\":\"no compose has the id '" + e.id() + "'\"}"));
            CliRun run = CliRun.run(env(planner.url()), home, false, "compose", "watch", e.id().value(), "--timeout", "60");
            assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
            assertTrue(run.err.contains("compose '" + e.id() + "' is unknown: compose-planner has no such compose"),
                    run.err);
        }
    }

    @Test
    void aComposeNoEventNamesWithThePlannerDownIsExit3() {
        Events e = compose("nobody");
        CliRun run = CliRun.run(env(NO_PLANNER), home, false, "compose", "watch", e.id().value(), "--timeout", "60");
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("no event on") && run.err.contains("names compose " + e.id())
                && run.err.contains("compose-planner at " + NO_PLANNER), run.err);
    }

    @Test
    void aTimeoutIsExit3WithTheLastState() {
        Events e = compose("slow");
        Publish.events(e.status(null, ComposeStatus.STARTED, null), e.planned("hello"));
        CliRun run = CliRun.run(env(NO_PLANNER), home, false, "compose", "watch", e.id().value(), "--timeout", "3");
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("did not end within 3 s (--timeout); last seen: building: 0/1 tasks done"), run.err);
    }

    @Test
    void submitWatchFollowsTheComposeThePlannerStartedAndFindsImagesInImagesJson() throws Exception {
        Events e = compose("submitted");
        try (FakeService planner = new FakeService()) {
            planner.on("POST /composes", Answer.json(202, "{\"composeId\":\"" + e.id() + "\",\"requestId\":\"r\","
                    + "\"status\":\"STARTED\"}"));
            planner.on("GET /composes/" + e.id() + "/metadata/images.json", Answer.json(200, "{\"header\":{},"
                    + "\"payload\":{\"compose\":{\"id\":\"" + e.id() + "\"},\"images\":{\"bootc\":{\"amd64\":[{"
                    + "\"arch\":\"amd64\",\"path\":\"localhost:5000/debian/submitted:1\",\"checksums\":{\"sha256\":\""
                    + "ab".repeat(32) + "\"},\"ostree_ref\":\"" + e.ref() + "\",\"ostree_commit\":\"" + Events.COMMIT
                    + "\"},{\"arch\":\"amd64\",\"format\":\"qcow2\",\"type\":\"qcow2\",\"bootable\":true,"
                    + "\"path\":\"file:///srv/disks/amd64/disk.qcow2\",\"checksums\":{\"sha256\":\"" + "cd".repeat(32)
                    + "\"},\"size\":3221225472,\"ostree_ref\":\"" + e.ref() + "\",\"ostree_commit\":\"" + Events.COMMIT
                    + "\"}]}}}}"));
            Path manifest = home.resolve("m.yaml");
            Files.writeString(manifest, "name: submitted\nversion: \"1\"\n");
            CliRun.Running run = CliRun.start(env(planner.url()), home, "compose", "submit", manifest.toString(),
                    "--watch", "--timeout", "60");
            run.awaitOutput(o -> o.startsWith(e.id().value() + "\n"), 30);
            // The image-committed event is not on the broker (e.g. expired): images.json answers instead.
            Publish.events(e.status(null, ComposeStatus.STARTED, null), e.planned(),
                    e.status(ComposeStatus.STARTED, ComposeStatus.FINISHED, null));
            CliRun done = run.await(60);
            assertEquals(ExitCodes.OK, done.exit, done.toString());
            assertTrue(done.out.contains("amd64: ostree ref " + e.ref() + " commit " + Events.COMMIT), done.out);
            assertTrue(done.out.contains("\namd64: image localhost:5000/debian/submitted:1@sha256:" + "ab".repeat(32)
                    + "\namd64: disk qcow2 file:///srv/disks/amd64/disk.qcow2 sha256 " + "cd".repeat(32)
                    + " 3221225472 bytes\n"), done.out);
            assertEquals(1, done.out.split("ostree ref ", -1).length - 1, "the disk is not an image: " + done.out);
        }
    }
}
