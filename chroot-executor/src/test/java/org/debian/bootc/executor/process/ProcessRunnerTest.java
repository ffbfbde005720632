package org.debian.bootc.executor.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ProcessRunnerTest {

    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void outputGoesToTheSinkLineByLineWithStandardErrorMerged() {
        List<String> lines = new ArrayList<>();
        CommandResult result = runner.run(Command.of("sh", "-c", "echo one; echo two >&2; echo three"), lines::add);
        assertEquals(List.of("one", "two", "three"), lines);
        assertEquals("one\ntwo\nthree\n", result.output());
        assertEquals(0, result.exitCode());
    }

    @Test
    void aNonZeroExitIsAFailureQuotingTheLastLines() {
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(
                Command.of("sh", "-c", "for i in $(seq 1 40); do echo line $i; done; exit 3"), LogSink.NONE));
        assertEquals(OptionalInt.of(3), e.exitCode());
        assertFalse(e.timedOut());
        assertEquals(ProcessRunner.QUOTED_LINES, e.lastLines().size());
        assertEquals("line 40", e.lastLines().get(e.lastLines().size() - 1));
        assertTrue(e.getMessage().startsWith("sh exited with status 3:"), e.getMessage());
        assertTrue(e.getMessage().contains("line 40"));
        assertFalse(e.getMessage().contains("line 20\n"));
    }

    @Test
    void aProgramThatCannotStartSaysSo() {
        CommandFailedException e = assertThrows(CommandFailedException.class,
                () -> runner.run(Command.of("/nonexistent/tool"), LogSink.NONE));
        assertTrue(e.getMessage().startsWith("cannot start tool"), e.getMessage());
        assertEquals(OptionalInt.empty(), e.exitCode());
    }

    @Test
    void aTimeoutKillsTheProgramAndWhatItStarted() {
        String marker = "runner-test-" + UUID.randomUUID();
        long started = System.nanoTime();
        CommandFailedException e = assertThrows(CommandFailedException.class, () -> runner.run(
                Command.of("sh", "-c", "echo started; sh -c 'sleep 300; : " + marker + "' & sleep 300")
                        .withTimeout(Duration.ofMillis(500)), LogSink.NONE));
        assertTrue(e.timedOut());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 15);
        assertEquals(List.of("started"), e.lastLines());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "the grandchild is gone too");
    }

    /** Runs {@code command} on a thread of its own; the future ends with what run() threw. */
    private java.util.concurrent.CompletableFuture<CommandResult> inBackground(Command command) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> runner.run(command, LogSink.NONE));
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
            var thrown = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> run.get(15, java.util.concurrent.TimeUnit.SECONDS));
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
        var thrown = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> stubborn.get(15, java.util.concurrent.TimeUnit.SECONDS));
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
    }
}
