package org.debian.bootc.scheduler.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.service.Views.AttemptView;
import org.debian.bootc.scheduler.service.Views.TaskDetail;
import org.debian.bootc.scheduler.service.Views.TaskSummary;
import org.debian.bootc.scheduler.service.TaskLogs.Source;
import org.debian.bootc.scheduler.service.TaskLogs.UnreadableLogException;

/** Which log a task page follows, and how pieces of it are read. */
class TaskLogsTest {

    @TempDir
    Path root;

    private TaskLogs logs(String liveTemplate) {
        SchedulerConfig config = (SchedulerConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SchedulerConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "liveLogLocation" -> Optional.ofNullable(liveTemplate);
                    case "logRoot" -> root.toString();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new TaskLogs(config);
    }

    private static TaskDetail task(AttemptView... attempts) {
        return new TaskDetail(new TaskSummary("c:hello:amd64", "c", "hello", "1.0-1", "amd64", "running", null, null,
                attempts.length, Instant.now()), "trixie", "any", null, "a".repeat(64), Instant.now(), null, List.of(),
                List.of(), List.of(attempts));
    }

    private static AttemptView attempt(int n, Instant endedAt, String log) {
        return new AttemptView(n, null, "e1", null, Instant.now(), null, false, endedAt, null, log, null, null, null,
                null, List.of());
    }

    @Test
    void aRunningAttemptWithoutAFinalLogFollowsTheLiveTemplate() {
        Optional<Source> source = logs("file://" + root + "/live/{task}.{attempt}.log").source(task(attempt(2, null, null)));
        assertEquals(new Source("file://" + root + "/live/c:hello:amd64.2.log", 2, true), source.orElseThrow());
        assertTrue(logs(null).source(task(attempt(1, null, null))).isEmpty(), "no template, no live log");
        assertTrue(logs(null).source(task()).isEmpty(), "never dispatched");
    }

    @Test
    void theFinalLogWinsOnceKnown() {
        Source source = logs("file:///x/{task}").source(task(attempt(1, Instant.now(), "file:///final.log")))
                .orElseThrow();
        assertEquals(new Source("file:///final.log", 1, false), source);
    }

    @Test
    void piecesFollowOnFromTheOffsetAndTheEndOfAnEndedLogIsComplete() throws Exception {
        Path log = root.resolve("a.log");
        Files.writeString(log, "one\n");
        TaskLogs logs = logs(null);
        Source live = new Source(log.toUri().toString(), 1, true);
        TaskLogs.Chunk first = logs.read(live, 0);
        assertEquals("one\n", first.text());
        assertEquals(4, first.next());
        assertFalse(first.complete(), "a live log is never complete");
        Files.writeString(log, "two\n", java.nio.file.StandardOpenOption.APPEND);
        assertEquals("two\n", logs.read(live, first.next()).text());
        TaskLogs.Chunk end = logs.read(new Source(log.toUri().toString(), 1, false), 8);
        assertEquals("", end.text());
        assertTrue(end.complete());
        assertEquals("", logs.read(new Source(root.resolve("not-yet.log").toUri().toString(), 1, true), 0).text(),
                "a live log the executor has not created yet reads as empty");
        byte[] big = new byte[TaskLogs.MAX_CHUNK + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        Files.write(root.resolve("big.log"), big);
        TaskLogs.Chunk piece = logs.read(new Source(root.resolve("big.log").toUri().toString(), 1, false), 0);
        assertEquals(TaskLogs.MAX_CHUNK, piece.text().getBytes(StandardCharsets.UTF_8).length);
        assertFalse(piece.complete(), "more to read");
    }

    @Test
    void logsItCannotOrMayNotReadAreRefusedWithTheReason() throws Exception {
        TaskLogs logs = logs(null);
        assertEquals("log https://logs.example/a.log is not a local file: open it directly",
                assertThrows(UnreadableLogException.class,
                        () -> logs.read(new Source("https://logs.example/a.log", 1, false), 0)).getMessage());
        assertEquals("log file:///etc/passwd lies outside the log root " + root + " (bootc.scheduler.log-root)",
                assertThrows(UnreadableLogException.class,
                        () -> logs.read(new Source("file:///etc/passwd", 1, false), 0)).getMessage());
        String escape = "file://" + root + "/../../etc/passwd";
        assertTrue(assertThrows(UnreadableLogException.class, () -> logs.read(new Source(escape, 1, false), 0))
                .getMessage().contains("lies outside the log root"));
        assertEquals("log " + root.toUri() + " is a directory", assertThrows(UnreadableLogException.class,
                () -> logs.read(new Source(root.toUri().toString(), 1, false), 0)).getMessage());
        String gone = root.resolve("gone.log").toUri().toString();
        assertEquals("log " + gone + " does not exist", assertThrows(UnreadableLogException.class,
                () -> logs.read(new Source(gone, 1, false), 0)).getMessage());
        assertEquals("log location 'file:// bad' is not a URI", assertThrows(UnreadableLogException.class,
                () -> logs.read(new Source("file:// bad", 1, false), 0)).getMessage());
        assertEquals("offset -1 is negative", assertThrows(UnreadableLogException.class,
                () -> logs.read(new Source(gone, 1, true), -1)).getMessage());
    }
}
