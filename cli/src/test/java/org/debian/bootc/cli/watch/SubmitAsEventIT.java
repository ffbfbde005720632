package org.debian.bootc.cli.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.Violation;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code compose submit --as-event --watch}, what {@code bin/deb-bootc-compose} runs, on the
 * real broker: the test plays the services, reading the request the command wrote on
 * {@code compose-requested} and answering on the topics they write. Every way it ends, with
 * its exit code and what it printed (these were SubmitCompose's tests in local-stack).
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class SubmitAsEventIT {

    private static final Pattern SUBMITTED = Pattern.compile("submitted \\S+ as request (cli-\\S+) \\(event \\S+\\)");
    /** Nothing listens on port 9 here: a planner that cannot be asked (the event path does not need it). */
    private static final String NO_PLANNER = "http://127.0.0.1:9";

    @TempDir
    Path home;

    private Map<String, String> env() {
        return Map.of("BOOTC_KAFKA", Publish.kafka(), "BOOTC_PLANNER_URL", NO_PLANNER);
    }

    @Test
    void itFollowsTheComposeToFinishedAndPrintsTheRefCommitImageAndDisk() throws Exception {
        Fake fake = new Fake("follow");
        CliRun.Running run = fake.submit(false, "--progress", "plain", "--timeout", "60");
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, "attempt 1 dispatched to build-tasks.amd64");
        fake.task(TaskStatus.COMPLETED, TaskResult.SUCCESS, null);
        String commit = "c".repeat(64);
        Publish.events(new ImageCommitted(fake.compose, "amd64", "debian/bookworm/amd64/minimal", commit,
                "localhost:5000/debian-bootc/minimal:1", "sha256:" + "d".repeat(64), 12, 4096,
                List.of(new DiskImage("raw", "file:///var/lib/p/disk/x/disk.raw", "e".repeat(64), 4L << 30))));
        fake.answer(ComposeStatus.FINISHED, null);

        CliRun done = run.await(60);
        assertEquals(ExitCodes.OK, done.exit, done.toString());
        String task = fake.compose.value() + ":hello:amd64";
        assertTrue(done.out.contains("\n" + fake.compose.value() + "\n"), "the compose id on its own line: " + done.out);
        assertTrue(done.out.contains("[0/1 done, 1 running] task " + task + " attempt 1: running (attempt 1 dispatched"
                + " to build-tasks.amd64)"), done.out);
        assertTrue(done.out.contains("[1/1 done] task " + task + " attempt 1: completed success"), done.out);
        assertTrue(done.out.contains("amd64 image committed and pushed (12 layers, 4096 bytes pushed)"), done.out);
        assertTrue(done.out.contains("\namd64: ostree ref debian/bookworm/amd64/minimal commit " + commit + "\n"),
                done.out);
        assertTrue(done.out.contains("\namd64: image localhost:5000/debian-bootc/minimal:1@sha256:" + "d".repeat(64)
                + "\n"), done.out);
        assertTrue(done.out.contains("\namd64: disk raw file:///var/lib/p/disk/x/disk.raw sha256 " + "e".repeat(64)
                + " 4294967296 bytes\n"), done.out);
        assertFalse(done.out.contains("\r"), "plain lines only: " + done.out);
    }

    @Test
    void theRequestOnTheBusCarriesTheManifestAndWhoAskedForIt() throws Exception {
        Fake fake = new Fake("carried");
        CliRun.Running run = fake.submit(false, "--progress", "plain", "--timeout", "60");
        assertEquals("carried", fake.request.manifest().path("name").asText());
        assertEquals("1", fake.request.manifest().path("version").asText());
        assertTrue(fake.request.requestedBy().endsWith("(bootc-compose)"), fake.request.requestedBy());
        fake.answer(ComposeStatus.STARTED, null);
        fake.answer(ComposeStatus.FINISHED, null);
        assertEquals(ExitCodes.OK, run.await(60).exit);
    }

    @Test
    void inATerminalTheTasksAreOneBarRedrawnInPlace() throws Exception {
        Fake fake = new Fake("bar");
        CliRun.Running run = fake.submit(true, "--timeout", "60");
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, "attempt 1 dispatched to build-tasks.amd64");
        fake.task(TaskStatus.COMPLETED, TaskResult.SUCCESS, null);
        fake.answer(ComposeStatus.FINISHED, null);

        CliRun done = run.await(60);
        assertEquals(ExitCodes.OK, done.exit, done.toString());
        assertTrue(done.out.contains("\r[" + "#".repeat(ProgressView.Bar.WIDTH) + "] 100% FINISHED: 1/1 tasks done, 0 "
                + "failed, 0 images\n"), done.out);
        assertTrue(done.out.contains("compose " + fake.compose.value() + ": STARTED\n"), done.out);
        assertFalse(done.out.contains("] task "), "no line per task in a terminal:\n" + done.out);
    }

    @Test
    void aRejectedManifestExits2WithEachViolation() throws Exception {
        Fake fake = new Fake("rejected");
        CliRun.Running run = fake.submit(false, "--timeout", "60");
        Publish.events(new ComposeStatusChanged(null, fake.requestId, null, ComposeStatus.REJECTED,
                "the manifest names packages the archive does not have",
                List.of(new Violation("/packages/2", "no-such-package", "not in bookworm main"))));
        CliRun done = run.await(60);
        assertEquals(ExitCodes.BAD_INPUT, done.exit, done.toString());
        assertTrue(done.err.contains("request " + fake.requestId.value() + " rejected by compose-planner: the "
                + "manifest names packages the archive does not have"), done.err);
        assertTrue(done.err.contains("  /packages/2 = no-such-package: not in bookworm main"), done.err);
    }

    @Test
    void aDoomedComposeEndsWithExit1AndTheReasonAndTheFailedImage() throws Exception {
        Fake fake = new Fake("doomed");
        CliRun.Running run = fake.submit(false, "--progress", "plain", "--timeout", "60");
        fake.answer(ComposeStatus.STARTED, null);
        Publish.events(new org.debian.bootc.events.ImagePublishFailed(fake.compose, "amd64",
                "debian/bookworm/amd64/minimal", "lint", "rule var-run: /var/run is a directory"));
        fake.answer(ComposeStatus.DOOMED, "the amd64 image failed at lint");

        CliRun done = run.await(60);
        assertEquals(ExitCodes.FAILED, done.exit, done.toString());
        assertTrue(done.out.contains("\namd64: image failed at lint: rule var-run: /var/run is a directory"), done.out);
        assertTrue(done.out.contains("compose " + fake.compose.value() + " ended DOOMED: the amd64 image failed at "
                + "lint"), done.out);
    }

    @Test
    void eventsOfOtherComposesAreNotReported() throws Exception {
        Fake fake = new Fake("mine");
        CliRun.Running run = fake.submit(false, "--progress", "plain", "--timeout", "60");
        fake.answer(ComposeStatus.STARTED, null);
        ComposeId other = ComposeWatchIT.compose("other").id();
        Publish.events(new TaskStatusChanged(new TaskId(other.value() + ":m4:amd64"), 1, other, "amd64",
                TaskStatus.PENDING, TaskStatus.RUNNING, null, null),
                new ComposeStatusChanged(other, new RequestId("cli-other"), null, ComposeStatus.STARTED, null, List.of()));
        fake.answer(ComposeStatus.FINISHED, null);

        CliRun done = run.await(60);
        assertEquals(ExitCodes.OK, done.exit, done.toString());
        assertFalse(done.out.contains(other.value()), done.out);
    }

    @Test
    void aComposeThatDoesNotEndInTimeIsNamedWithItsProgress() throws Exception {
        Fake fake = new Fake("slow");
        CliRun.Running run = fake.submit(false, "--progress", "plain", "--timeout", "8");
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, null);

        CliRun done = run.await(60);
        assertEquals(ExitCodes.UNREACHABLE, done.exit, done.toString());
        assertTrue(done.err.contains("compose " + fake.compose.value() + " did not end within")
                && done.err.contains("last seen: building: 0/1 tasks done"), done.err);
    }

    @Test
    void withNoPlannerAnsweringItGivesUpWithExit3() throws Exception {
        Path manifest = Files.writeString(home.resolve("m.yaml"), "name: minimal\nversion: \"1\"\n");
        CliRun run = CliRun.run(env(), home, false, "compose", "submit", manifest.toString(), "--as-event", "--watch",
                "--timeout", "3");
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.out.contains("submitted " + manifest + " as request cli-"), run.out);
        assertTrue(run.err.contains("within 3 s (--timeout): is the compose-planner running and connected to "
                + Publish.kafka()), run.err);
    }

    @Test
    void withNoBrokerItSaysWhereItLookedAndGivesUpWithExit3() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path manifest = Files.writeString(home.resolve("m.yaml"), "name: minimal\nversion: \"1\"\n");
        CliRun run = CliRun.run(Map.of("BOOTC_KAFKA", "localhost:" + port), home, false, "compose", "submit",
                manifest.toString(), "--as-event", "--watch", "--timeout", "2");
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("no Kafka broker answers at localhost:" + port), run.err);
    }

    /** Plays the services: reads the request the command wrote and answers on the topics they write. */
    private final class Fake {
        final ComposeId compose;
        final String name;
        RequestId requestId;
        ComposeRequested request;
        ComposeStatus status;

        Fake(String name) {
            this.name = name;
            this.compose = ComposeWatchIT.compose(name).id();
        }

        CliRun.Running submit(boolean terminal, String... options) throws Exception {
            Path manifest = Files.writeString(home.resolve(name + ".yaml"), "name: " + name + "\nversion: \"1\"\n");
            List<String> args = new java.util.ArrayList<>(List.of("compose", "submit", manifest.toString(),
                    "--as-event", "--watch"));
            args.addAll(List.of(options));
            CliRun.Running run = CliRun.start(env(), home, terminal, args.toArray(String[]::new));
            run.awaitOutput(o -> SUBMITTED.matcher(o).find(), 30);
            Matcher m = SUBMITTED.matcher(run.out());
            assertTrue(m.find(), run.out());
            requestId = new RequestId(m.group(1));
            EventCodec codec = new EventCodec();
            try (TopicProbe requests = new TopicProbe(Publish.kafka(), Topics.COMPOSE_REQUESTED)) {
                ConsumerRecord<String, byte[]> record = requests.await(r -> requestId.value().equals(r.key()),
                        Duration.ofSeconds(30));
                request = codec.decode(EventType.COMPOSE_REQUESTED, record.headers(), record.value()).payload();
            }
            assertEquals(requestId, request.requestId());
            return run;
        }

        void answer(ComposeStatus next, String reason) {
            Publish.events(new ComposeStatusChanged(compose, requestId, status, next, reason, List.of()));
            status = next;
        }

        void task(TaskStatus next, TaskResult result, String reason) {
            Publish.events(new TaskStatusChanged(new TaskId(compose.value() + ":hello:amd64"), 1, compose, "amd64",
                    next == TaskStatus.RUNNING ? TaskStatus.PENDING : TaskStatus.RUNNING, next, result, reason));
        }
    }
}
