package org.debian.bootc.debian.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.debian.bootc.debian.process.CommandFailedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void outputGoesToTheSinkLineByLineWithStandardErrorMerged() {
        List<String> lines = new ArrayList<>();
        CommandResult result = runner.run(Command.of("sh", "-c", "echo one; echo two >&2; echo three"), lines::add);
        assertEquals(List.of("one", "two", "three"), lines);
        assertEquals("one\ntwo\nthree\n", result.output());
        assertEquals(0, result.exitCode());
        assertEquals(0, result.stdout().length, "standard output went to the log");
    }

    @Test
    void capturedStandardOutputStaysApartFromTheLogAndSeesTheEnvironment() {
        List<String> lines = new ArrayList<>();
        CommandResult result = runner.run(Command.of("sh", "-c", "echo out; echo err >&2; echo $GREETING")
                .withEnvironment(Map.of("GREETING", "hello")).capturingStdout(), lines::add);

        assertEquals("out\nhello\n", result.stdoutText());
        assertEquals("err\n", result.output());
        assertEquals(List.of("err"), lines, "only standard error is the log");
    }

    @Test
    void theShortFormCapturesBinaryStandardOutput() {
        CommandResult result = runner.run(List.of("printf", "a\\0b\\0"), Duration.ofSeconds(10));

        assertArrayEquals(new byte[] {'a', 0, 'b', 0}, result.stdout());
    }

    @Test
    void aProgramRunsInTheWorkingDirectoryItIsGiven(@TempDir Path dir) {
        CommandResult result = runner.run(Command.of("pwd").inDirectory(dir).capturingStdout());

        assertEquals(dir.toString(), result.stdoutText().strip());
    }

    @Test
    void aProgramReadsTheFileItIsGivenAsStandardInput(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in");
        Files.writeString(input, "from a file\n");

        assertEquals("from a file\n", runner.run(Command.of("cat").withStdin(input).capturingStdout()).stdoutText());
        assertEquals("", runner.run(Command.of("cat").capturingStdout()).stdoutText(), "otherwise /dev/null");
    }

    @Test
    void aNonZeroExitIsAFailureQuotingTheLastLines() {
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(
                Command.of("sh", "-c", "for i in $(seq 1 40); do echo line $i; done; exit 3"), LogSink.NONE));
        assertEquals(Reason.EXIT_STATUS, e.reason());
        assertEquals(OptionalInt.of(3), e.exitCode());
        assertFalse(e.timedOut());
        assertEquals(ProcessRunner.QUOTED_LINES, e.lastLines().size());
        assertEquals("line 40", e.lastLines().get(e.lastLines().size() - 1));
        assertTrue(e.getMessage().startsWith("sh exited with status 3:"), e.getMessage());
        assertTrue(e.getMessage().contains("line 40"));
        assertFalse(e.getMessage().contains("line 20\n"));
    }

    @Test
    void aFailureQuotesStandardErrorNotTheCapturedAnswer() {
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(Command.of("sh", "-c",
                "echo answer; for i in $(seq 1 20); do echo line $i >&2; done; exit 3").capturingStdout()));

        assertTrue(e.getMessage().startsWith("sh exited with status 3:\n  line 6\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("line 20"), e.getMessage());
        assertEquals(List.of("line 19", "line 20"), CommandFailedException.lastLines(e.output(), 2));
    }

    @Test
    void aFailureWithNothingOnStandardErrorQuotesStandardOutput() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(List.of("sh", "-c", "echo only here; exit 1"), Duration.ofSeconds(10)));

        assertEquals("sh exited with status 1:\n  only here", e.getMessage());
    }

    @Test
    void aSilentFailureSaysItPrintedNothing() {
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(Command.of("false")));

        assertEquals("false exited with status 1 (no output)", e.getMessage());
    }

    @Test
    void acceptedExitCodesAreNoFailure() {
        assertEquals(1, runner.run(Command.of("false").acceptingExitCodes(0, 1)).exitCode());
        assertEquals(7, runner.run(Command.of("sh", "-c", "exit 7").acceptingAnyExitCode()).exitCode());
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Command.of("sh", "-c", "echo two is not one >&2; exit 2").acceptingExitCodes(0, 1)));
        assertEquals(OptionalInt.of(2), e.exitCode());
        assertEquals(List.of("two is not one"), e.lastLines());
    }

    @Test
    void anAcceptedRunJudgedAFailureAfterAllQuotesItsLog() {
        CommandResult result = runner.run(Command.of("sh", "-c", "echo cannot read /x >&2; exit 1")
                .capturingStdout().acceptingAnyExitCode());

        CommandFailedException e = result.failure();

        assertEquals("sh exited with status 1:\n  cannot read /x", e.getMessage());
        assertEquals(Reason.EXIT_STATUS, e.reason());
    }

    @Test
    void aProgramThatCannotStartSaysSo() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Command.of("/nonexistent/tool"), LogSink.NONE));
        assertTrue(e.getMessage().startsWith("cannot start tool"), e.getMessage());
        assertEquals(Reason.COULD_NOT_START, e.reason());
        assertEquals(OptionalInt.empty(), e.exitCode());
    }

    @Test
    void aProgramNotOnThePathCannotStart() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Command.of("no-such-program-here")));

        assertTrue(e.getMessage().startsWith("cannot start no-such-program-here"), e.getMessage());
        assertEquals(Reason.COULD_NOT_START, e.reason());
    }

    @Test
    void aMissingWorkingDirectoryMeansTheProgramCannotStart(@TempDir Path dir) {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Command.of("true").inDirectory(dir.resolve("gone"))));

        assertEquals(Reason.COULD_NOT_START, e.reason());
    }

    @Test
    void aTimeoutKillsTheProgramAndWhatItStarted() {
        String marker = "runner-test-" + UUID.randomUUID();
        long started = System.nanoTime();
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(
                Command.of("sh", "-c", "echo started; sh -c 'sleep 300; : " + marker + "' & sleep 300")
                        .withTimeout(Duration.ofMillis(500)), LogSink.NONE));
        assertTrue(e.timedOut());
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals(OptionalInt.empty(), e.exitCode());
        assertTrue(e.getMessage().startsWith("sh timed out after 500 ms:\n  started"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15);
        assertEquals(List.of("started"), e.lastLines());
        assertFalse(anyProcessNamed(marker), "the grandchild is gone too");
    }

    @Test
    void aTimeoutKillsGrandchildrenThatLeftTheirParentsGroup() {
        // the grandchild's parent shell exits at once, so it hangs under the middle shell only until that is killed
        String marker = "runner-deep-" + UUID.randomUUID();
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(
                Command.of("sh", "-c", "sh -c 'sh -c \"sleep 300; : " + marker + "\" & sleep 300' & wait")
                        .withTimeout(Duration.ofMillis(500))));

        assertEquals(Reason.TIMED_OUT, e.reason());
        assertFalse(anyProcessNamed(marker), "the great-grandchild is gone too");
    }

    @Test
    void theRunnersDefaultTimeoutAppliesToACommandThatNamesNone() {
        ProcessRunner quick = new ProcessRunner(Duration.ofMillis(300));

        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> quick.run(Command.of("sh", "-c", "echo started; sleep 30")));

        assertTrue(e.timedOut());
        assertTrue(e.getMessage().startsWith("sh timed out after 300 ms:\n  started"), e.getMessage());
    }

    @Test
    void anInterruptedCallerKillsTheProgramAndWhatItStarted() throws Exception {
        String marker = "runner-interrupt-" + UUID.randomUUID();
        CompletableFuture<CommandFailedException> thrown = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                runner.run(Command.of("sh", "-c", "echo waiting; sh -c 'sleep 300; : " + marker + "' & wait"));
            } catch (CommandFailedException e) {
                thrown.complete(Thread.currentThread().isInterrupted() ? e : null);
            }
        });
        caller.start();
        awaitRunning(marker);

        caller.interrupt();

        CommandFailedException e = thrown.get(15, TimeUnit.SECONDS);
        assertEquals(Reason.INTERRUPTED, e.reason(), "and the caller's thread stays interrupted");
        assertEquals(List.of("waiting"), e.lastLines());
        assertFalse(anyProcessNamed(marker), "the grandchild is gone too");
    }

    @Test
    void standardOutputCanGoToAFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");

        CommandResult result = runner.run(Command.of("echo", "into a file").withStdoutTo(out));

        assertEquals(0, result.stdout().length);
        assertEquals("into a file\n", Files.readString(out));
    }

    @Test
    void aProgramWritingPastTheFilesCapIsKilled(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        String marker = "runner-cap-" + UUID.randomUUID();

        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(Command.of("sh", "-c",
                "echo about to flood >&2; sh -c 'sleep 300; : " + marker + "' & yes").withStdoutTo(out, 4096)));

        assertEquals(Reason.OUTPUT_LIMIT, e.reason());
        assertTrue(e.getMessage().startsWith("sh wrote more than 4096 bytes to standard output:\n  about to flood"),
                e.getMessage());
        assertTrue(Files.size(out) <= 4096, "the file holds no more than the cap: " + Files.size(out));
        assertFalse(anyProcessNamed(marker), "what it started is gone too");
    }

    @Test
    void capturedStandardOutputHasACapToo() {
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(Command.of("yes")
                .withStdout(new Command.Stdout.Captured(1000))));

        assertEquals(Reason.OUTPUT_LIMIT, e.reason());
        assertTrue(e.getMessage().startsWith("yes wrote more than 1000 bytes"), e.getMessage());
    }

    @Test
    void theLogKeptInMemoryDropsItsHeadPastTheLimit() {
        CommandResult result = runner.run(Command.of("sh", "-c",
                "i=0; while [ $i -lt 40000 ]; do echo 'a line of some eighty characters, to fill the log quickly "
                        + "enough......'; i=$((i+1)); done; echo the end"));

        assertTrue(result.output().length() <= 2 * ProcessRunner.LOG_LIMIT, "kept " + result.output().length());
        assertTrue(result.output().endsWith("the end\n"));
        assertEquals("the end", result.lastLines().get(result.lastLines().size() - 1));
    }

    /** Runs {@code command} on a thread of its own; the future ends with what run() threw. */
    private CompletableFuture<CommandResult> inBackground(Command command) {
        return CompletableFuture.supplyAsync(() -> runner.run(command, LogSink.NONE));
    }

    private static boolean anyProcessNamed(String marker) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker));
    }

    private void awaitRunning(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!anyProcessNamed(marker) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(anyProcessNamed(marker), "the program started");
    }

    @Test
    void terminateAllStopsEveryRunningProgramWithSigtermAndWhatItStarted() throws Exception {
        String marker = "runner-term-" + UUID.randomUUID();
        var first = inBackground(Command.of("sh", "-c", "sh -c 'sleep 300; : " + marker + "' & wait")
                .withTimeout(Duration.ofMinutes(10)));
        var second = inBackground(Command.of("sh", "-c", "sleep 300; : " + marker + "-2")
                .withTimeout(Duration.ofMinutes(10)));
        awaitRunning(marker + "-2");
        awaitRunning(marker + "'");
        long started = System.nanoTime();
        assertEquals(2, runner.terminateAll(Duration.ofSeconds(5)));
        for (var run : List.of(first, second)) {
            var thrown = assertThrows(ExecutionException.class, () -> run.get(15, TimeUnit.SECONDS));
            CommandFailedException e = (CommandFailedException) thrown.getCause();
            assertEquals(OptionalInt.of(128 + 15), e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().contains("killed by signal 15"), e.getMessage());
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5, "SIGTERM was enough");
        assertFalse(anyProcessNamed(marker), "no program and no program it started survives");
        assertEquals(0, runner.terminateAll(Duration.ofSeconds(1)), "nothing runs any more");
    }

    @Test
    void aProgramThatIgnoresSigtermIsKilledAfterThePatience() throws Exception {
        String marker = "runner-stubborn-" + UUID.randomUUID();
        var stubborn = inBackground(Command.of("sh", "-c", "trap '' TERM; echo ready; sleep 300; : " + marker)
                .withTimeout(Duration.ofMinutes(10)));
        awaitRunning(marker);
        long started = System.nanoTime();
        assertEquals(1, runner.terminateAll(Duration.ofSeconds(1)));
        var thrown = assertThrows(ExecutionException.class, () -> stubborn.get(15, TimeUnit.SECONDS));
        CommandFailedException e = (CommandFailedException) thrown.getCause();
        assertEquals(OptionalInt.of(128 + 9), e.exitCode(), e.getMessage());
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertTrue(seconds >= 1 && seconds < 12, "killed after the patience, took " + seconds + " s");
        assertFalse(anyProcessNamed(marker), "its sleep is gone too");
    }

    @Test
    void aCommandNeedsAProgramAndAPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> Command.of(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Command.of("true").withTimeout(Duration.ZERO));
        assertTrue(e.getMessage().contains("timeout must be positive"));
        assertThrows(IllegalArgumentException.class, () -> new ProcessRunner(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Command.of("true").withStdoutTo(Path.of("x"), 0));
        assertThrows(IllegalArgumentException.class, () -> Command.of("true").acceptingExitCodes());
    }

    @Test
    void lastLinesSkipBlankLinesAndKeepTheNewest() {
        assertEquals(List.of("b", "c"), CommandFailedException.lastLines("a\n\n  \nb  \nc\n", 2));
        assertEquals(List.of(), CommandFailedException.lastLines("", 3));
        assertEquals(List.of("x"), CommandFailedException.lastLines("x", 3));
    }

    /** An endless line (here 50 MB without a newline) costs no memory: it is cut, and the next line comes whole. */
    @Test
    void aLineLongerThanTheLimitIsCutAndTheNextLineKept() {
        List<String> lines = new ArrayList<>();
        CommandResult result = runner.run(Command.of("sh", "-c",
                "head -c 50000000 /dev/zero | tr '\\0' x; echo; echo after").withTimeout(Duration.ofSeconds(60)),
                lines::add);
        assertEquals(2, lines.size(), "two lines");
        assertEquals("x".repeat(ProcessRunner.LINE_LIMIT) + " [line cut: " + (50_000_000 - ProcessRunner.LINE_LIMIT)
                + " more characters]", lines.get(0));
        assertEquals("after", lines.get(1));
        assertTrue(result.output().length() < 2 * ProcessRunner.LINE_LIMIT);
    }

    /** A program whose log passes the command's limit is killed, with everything it started, and the run fails. */
    @Test
    void aLogPastTheLimitKillsTheProgramAndFailsTheRun() {
        long started = System.nanoTime();
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(Command.of("sh", "-c",
                "yes 'a line of a chatty build' & wait").withLogLimit(100_000).withTimeout(Duration.ofSeconds(60)),
                line -> { }));
        assertEquals(Reason.OUTPUT_LIMIT, e.reason());
        assertTrue(e.getMessage().contains("sh wrote more than 100000 characters of log"), e.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) < 30, "killed at once");
        assertThrows(IllegalArgumentException.class, () -> Command.of("true").withLogLimit(0));
    }
}
