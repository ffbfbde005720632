package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.DiskImage;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.TaskStatusChanged;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/** Every way SubmitCompose can refuse or give up, with its exit code and message, and how it follows a compose. */
class SubmitComposeTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SubmitCompose.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAManifestItSaysSo() {
        assertEquals(SubmitCompose.USAGE, run());
        assertTrue(errors().contains("name the manifest"), errors());
    }

    @Test
    void anUnknownUntilIsRefused() {
        assertEquals(SubmitCompose.USAGE, run("--until", "pushed", "m.yaml"));
        assertTrue(errors().contains("--until takes started or finished"), errors());
    }

    @Test
    void aTimeoutMustBeWholeSeconds() {
        assertEquals(SubmitCompose.USAGE, run("--timeout", "1.5", "m.yaml"));
        assertTrue(errors().contains("--timeout takes whole seconds"), errors());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(SubmitCompose.REJECTED, run(missing.toString()));
        assertTrue(errors().contains(missing + ": no such file"), errors());
    }

    @Test
    void invalidYamlIsRefusedWithTheParserReason() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "name: [unclosed\n");
        assertEquals(SubmitCompose.REJECTED, run(file.toString()));
        assertTrue(errors().contains("not valid YAML"), errors());
    }

    @Test
    void aManifestMustBeAMapping() throws Exception {
        Path file = Files.writeString(dir.resolve("list.yaml"), "- hello\n- world\n");
        assertEquals(SubmitCompose.REJECTED, run(file.toString()));
        assertTrue(errors().contains("a manifest is a YAML mapping"), errors());
    }

    @Test
    void aManifestWithoutANameFailsTheRequestSchemaBeforeAnythingIsSent() throws Exception {
        Path file = Files.writeString(dir.resolve("noname.yaml"), "version: \"1\"\n");
        assertEquals(SubmitCompose.REJECTED, run("--bootstrap", "localhost:1", file.toString()));
        assertTrue(errors().contains("/manifest") && errors().contains("name"), errors());
    }

    @Test
    void withNoBrokerItSaysWhereItLookedAndGivesUpWithExit3() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("ok.yaml"), "name: minimal\nversion: \"1\"\n");
        assertEquals(SubmitCompose.TIMED_OUT,
                run("--bootstrap", "localhost:" + port, "--timeout", "2", file.toString()));
        assertTrue(errors().contains("no Kafka broker answers at localhost:" + port), errors());
    }

    @Test
    void withNoPlannerListeningItGivesUpWithExit3() throws Exception {
        String kafka = LocalStackTestResource.kafka().bootstrapServers();
        Path file = Files.writeString(dir.resolve("ok.yaml"), "name: minimal\nversion: \"1\"\n");
        assertEquals(SubmitCompose.TIMED_OUT, run("--bootstrap", kafka, "--timeout", "2", file.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("submitted " + file), out.toString());
        assertTrue(errors().contains("is the compose-planner running"), errors());
    }

    @Test
    void itFollowsTheComposeToFinishedAndPrintsTheRefCommitAndImage() throws Exception {
        String commit = "c".repeat(64);
        Fake fake = new Fake();
        CompletableFuture<Integer> exit = fake.submit(60);
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, "attempt 1 dispatched to build-tasks.amd64");
        fake.task(TaskStatus.COMPLETED, TaskResult.SUCCESS, null);
        fake.send(new ImageCommitted(fake.compose, "amd64", "debian/bookworm/amd64/minimal", commit,
                "localhost:5000/debian-bootc/minimal:1", "sha256:" + "d".repeat(64), 12, 4096,
                List.of(new DiskImage("raw", "file:///var/lib/p/disk/x/disk.raw", "e".repeat(64), 4L << 30))));
        fake.answer(ComposeStatus.FINISHED, null);

        assertEquals(SubmitCompose.OK, exit.get(60, TimeUnit.SECONDS), errors());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("[0/1 done, 1 running] task " + fake.compose.value() + ":hello:amd64 attempt 1: running"),
                printed);
        assertTrue(printed.contains("[1/1 done] task " + fake.compose.value() + ":hello:amd64 attempt 1: completed success"),
                printed);
        assertTrue(printed.contains("amd64 image committed and pushed (12 layers, 4096 bytes pushed)"), printed);
        assertTrue(printed.contains("amd64: ostree ref debian/bookworm/amd64/minimal commit " + commit), printed);
        assertTrue(printed.contains("amd64: image localhost:5000/debian-bootc/minimal:1@sha256:" + "d".repeat(64)),
                printed);
        assertTrue(printed.contains("amd64: disk raw file:///var/lib/p/disk/x/disk.raw sha256 " + "e".repeat(64)
                + " 4294967296 bytes"), printed);
    }

    @Test
    void inATerminalTheTasksAreOneBarRedrawnInPlace() throws Exception {
        Fake fake = new Fake();
        CompletableFuture<Integer> exit = fake.submit(60, true);
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, "attempt 1 dispatched to build-tasks.amd64");
        fake.task(TaskStatus.COMPLETED, TaskResult.SUCCESS, null);
        fake.answer(ComposeStatus.FINISHED, null);

        assertEquals(SubmitCompose.OK, exit.get(60, TimeUnit.SECONDS), errors());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(SubmitCompose.CLEAR_LINE + "[" + ".".repeat(SubmitCompose.BAR_WIDTH)
                + "]   0% 0/1 done, 1 running" + SubmitCompose.CLEAR_LINE + "[" + "#".repeat(SubmitCompose.BAR_WIDTH)
                + "] 100% 1/1 done\ncompose " + fake.compose.value() + ": FINISHED"), printed);
        assertTrue(!printed.contains("] task "), "no line per task in a terminal:\n" + printed);
    }

    @Test
    void aDoomedComposeEndsWithExit1AndTheReasonAndTheFailedImage() throws Exception {
        Fake fake = new Fake();
        CompletableFuture<Integer> exit = fake.submit(60);
        fake.answer(ComposeStatus.STARTED, null);
        fake.send(new ImagePublishFailed(fake.compose, "amd64", "debian/bookworm/amd64/minimal", "lint",
                "rule var-run: /var/run is a directory"));
        fake.answer(ComposeStatus.DOOMED, "the amd64 image failed at lint");

        assertEquals(SubmitCompose.FAILED, exit.get(60, TimeUnit.SECONDS), errors());
        assertTrue(errors().contains("amd64: no image: lint: rule var-run: /var/run is a directory"), errors());
        assertTrue(errors().contains("ended DOOMED: the amd64 image failed at lint"), errors());
    }

    @Test
    void eventsOfOtherComposesAreNotReported() throws Exception {
        Fake fake = new Fake();
        CompletableFuture<Integer> exit = fake.submit(60);
        fake.answer(ComposeStatus.STARTED, null);
        fake.send(new TaskStatusChanged(new TaskId("other-1-20261125.t.1:m4:amd64"), 1, new ComposeId("other-1-20261125.t.1"), "amd64",
                TaskStatus.PENDING, TaskStatus.RUNNING, null, null));
        fake.answer(ComposeStatus.FINISHED, null);

        assertEquals(SubmitCompose.OK, exit.get(60, TimeUnit.SECONDS), errors());
        assertTrue(!out.toString(StandardCharsets.UTF_8).contains("other-1"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aComposeThatDoesNotEndInTimeIsNamedWithItsProgress() throws Exception {
        Fake fake = new Fake();
        CompletableFuture<Integer> exit = fake.submit(8);
        fake.answer(ComposeStatus.STARTED, null);
        fake.task(TaskStatus.RUNNING, null, null);

        assertEquals(SubmitCompose.TIMED_OUT, exit.get(60, TimeUnit.SECONDS), errors());
        assertTrue(errors().contains("compose " + fake.compose.value() + " did not end within 8 s (0/1 done, 1 running)"),
                errors());
    }

    /** Plays the services: reads the request the command sent and answers on the topics they write. */
    private final class Fake {
        final String kafka = LocalStackTestResource.kafka().bootstrapServers();
        final EventCodec codec = new EventCodec();
        final ComposeId compose = new ComposeId("follow-" + System.nanoTime() % 1_000_000_000 + "-20261125.t.1");
        RequestId request;
        ComposeStatus status;

        CompletableFuture<Integer> submit(int timeoutSeconds) throws Exception {
            return submit(timeoutSeconds, false);
        }

        CompletableFuture<Integer> submit(int timeoutSeconds, boolean terminal) throws Exception {
            Path file = Files.writeString(dir.resolve("m.yaml"), "name: minimal\nversion: \"1\"\n");
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> SubmitCompose.run(new String[] {
                "--bootstrap", kafka, "--until", "finished", "--timeout", Integer.toString(timeoutSeconds),
                file.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), terminal));
            try (TopicProbe requests = new TopicProbe(kafka, Topics.COMPOSE_REQUESTED)) {
                ConsumerRecord<String, byte[]> record = requests.await(r -> out.toString(StandardCharsets.UTF_8)
                        .contains(" as request " + decode(EventType.COMPOSE_REQUESTED, r).requestId().value() + " "),
                        Duration.ofSeconds(30));
                request = decode(EventType.COMPOSE_REQUESTED, record).requestId();
            }
            return exit;
        }

        void answer(ComposeStatus next, String reason) {
            send(new ComposeStatusChanged(compose, request, status, next, reason, List.of()));
            status = next;
        }

        void task(TaskStatus next, TaskResult result, String reason) {
            send(new TaskStatusChanged(new TaskId(compose.value() + ":hello:amd64"), 1, compose, "amd64",
                    next == TaskStatus.RUNNING ? TaskStatus.PENDING : TaskStatus.RUNNING, next, result, reason));
        }

        void send(Event event) {
            OutgoingEvent e = codec.encode(event, "/test/fake-services");
            TopicProbe.produce(kafka, e.topic(), e.key(), e.headers(), e.payload());
        }

        private <T extends Event> T decode(EventType<T> type, ConsumerRecord<String, byte[]> r) {
            try {
                return codec.decode(type, r.headers(), r.value()).payload();
            } catch (org.debian.bootc.events.InvalidEventException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aRecordReadAgainAfterTheProbeStartedOverIsNotReportedTwice() {
        SubmitCompose.Progress progress = new SubmitCompose.Progress(new EventCodec(), new RequestId("cli-seen"),
                "finished", new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
        ConsumerRecord<String, byte[]> first = new ConsumerRecord<>(Topics.TASK_STATUS, 0, 7, "k", new byte[0]);
        ConsumerRecord<String, byte[]> later = new ConsumerRecord<>(Topics.TASK_STATUS, 0, 8, "k", new byte[0]);
        ConsumerRecord<String, byte[]> otherPartition = new ConsumerRecord<>(Topics.TASK_STATUS, 1, 3, "k",
                new byte[0]);
        assertTrue(progress.firstTime(first));
        assertTrue(progress.firstTime(later));
        assertTrue(progress.firstTime(otherPartition), "offsets count per partition");
        // the broker restarted, the probe's group committed nothing: it reads partition 0 from the start again
        assertEquals(false, progress.firstTime(new ConsumerRecord<>(Topics.TASK_STATUS, 0, 0, "k", new byte[0])));
        assertEquals(false, progress.firstTime(first));
        assertEquals(false, progress.firstTime(later));
        assertTrue(progress.firstTime(new ConsumerRecord<>(Topics.TASK_STATUS, 0, 9, "k", new byte[0])));
    }
}
