package org.debian.bootc.cli.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.watch.Events;
import org.debian.bootc.cli.watch.Publish;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.events.Topics;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code events tail} on the real broker, reading records produced as the services (and a broken producer) write them. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class EventsTailIT {

    @TempDir
    Path home;

    Map<String, String> env() {
        return Map.of("BOOTC_KAFKA", Publish.kafka());
    }

    @Test
    void fromTheBeginningFilteredByComposeWithAnInvalidRecordShown() {
        Events a = new Events("tail-a-1-20250131.n.0");
        Events b = new Events("tail-b-1-20250131.n.0");
        Publish.events(a.task("hello", 1, null, TaskStatus.PENDING, null, null),
                b.task("hello", 1, null, TaskStatus.PENDING, null, null),
                a.task("hello", 1, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.SUCCESS, "package-built"));
        // A producer that forgot ce_id: the CLI says why it cannot read it, and goes on.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_type", "org.debian.bootc.task.status-changed.v1");
        headers.put("ce_source", "/broken");
        TopicProbe.produce(Publish.kafka(), Topics.TASK_STATUS, a.task("gettext").value(), headers,
                ("{\"composeId\":\"" + a.id() + "\"}").getBytes(StandardCharsets.UTF_8));

        CliRun run = CliRun.run(env(), home, false, "events", "tail", "task-status", "--compose", a.id().value(),
                "--from-beginning", "--to-end", "--timeout", "60");
        assertEquals(ExitCodes.OK, run.exit, run.toString());
        List<String> lines = run.out.lines().toList();
        assertEquals(3, lines.size(), run.out);
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z task\\.status-changed " + a.task("hello").value()
                .replace(".", "\\.") + " compose=" + a.id().value().replace(".", "\\.") + " attempt=1 amd64 pending"),
                lines.get(0));
        assertTrue(lines.get(1).endsWith("attempt=1 amd64 running→completed result=success reason=\"package-built\""),
                lines.get(1));
        assertTrue(lines.get(2).contains(" INVALID task-status-") && lines.get(2).endsWith("header ce_id is missing"),
                lines.get(2));
        assertFalse(run.out.contains(b.id().value()), run.out);
    }

    @Test
    void fromNowOnPrintsOnlyNewEventsAndStopsAfterCount() throws Exception {
        Events e = new Events("tail-live-1-20250131.n.0");
        Publish.events(e.status(null, ComposeStatus.STARTED, null));
        CliRun.Running tail = CliRun.start(env(), home, "events", "tail", "compose-status", "--compose",
                e.id().value(), "--count", "1", "--timeout", "60");
        tail.awaitOutput(o -> o.contains("reading compose-status from now on"), 30);
        Publish.events(e.status(ComposeStatus.STARTED, ComposeStatus.DOOMED, "cancelled by release-team"));
        CliRun run = tail.await(60);
        assertEquals(ExitCodes.OK, run.exit, run.toString());
        assertEquals(1, run.out.lines().count(), run.out);
        assertTrue(run.out.contains("compose.status-changed " + e.id() + " compose=" + e.id()
                + " request=req-" + e.id() + " STARTED→DOOMED reason=\"cancelled by release-team\""), run.out);
    }

    @Test
    void aDeadLetterTopicShowsTheReason() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_type", "org.debian.bootc.compose.requested.v1");
        headers.put("dead-letter-reason", "header ce_id is missing");
        headers.put("dead-letter-topic", "compose-requested");
        TopicProbe.produce(Publish.kafka(), "compose-requested.dlq", "req-dlq-1", headers,
                "{}".getBytes(StandardCharsets.UTF_8));
        CliRun run = CliRun.run(env(), home, false, "events", "tail", "compose-requested.dlq", "--from-beginning",
                "--to-end", "--timeout", "60");
        assertEquals(ExitCodes.OK, run.exit, run.toString());
        assertTrue(run.out.contains(" dead-letter req-dlq-1 type=compose.requested from=compose-requested"
                + " reason=header ce_id is missing"), run.out);
    }

    @Test
    void noBrokerIsExit3() {
        CliRun run = CliRun.run(Map.of("BOOTC_KAFKA", "127.0.0.1:9"), home, false, "events", "tail", "compose-status");
        assertEquals(ExitCodes.UNREACHABLE, run.exit, run.toString());
        assertTrue(run.err.contains("no Kafka broker answers at 127.0.0.1:9 (from BOOTC_KAFKA)"), run.err);
    }
}
