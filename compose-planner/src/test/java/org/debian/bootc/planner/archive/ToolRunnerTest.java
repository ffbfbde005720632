package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRunnerTest {

    private final ToolRunner tools = new ToolRunner(Duration.ofSeconds(10));

    @Test
    void capturesOutputAndEnvironment() {
        ToolRunner.Result result = tools.run(ToolRunner.Command.of("sh", "-c", "echo out; echo err >&2; echo $GREETING")
                .withEnvironment(Map.of("GREETING", "hello")));

        assertEquals(0, result.exitCode());
        assertEquals("out\nhello\n", result.stdout());
        assertEquals("err\n", result.stderr());
    }

    @Test
    void aFailureQuotesTheLastLines() {
        ToolException e = assertThrows(ToolException.class, () -> tools.run("sh", "-c",
                "for i in $(seq 1 20); do echo line $i >&2; done; exit 3"));

        assertEquals(OptionalInt.of(3), e.exitCode());
        assertFalse(e.timedOut());
        assertTrue(e.getMessage().startsWith("sh exited with status 3:\n  line 9\n"), e.getMessage());
        assertTrue(e.getMessage().endsWith("line 20"), e.getMessage());
        assertEquals(List.of("line 19", "line 20"), e.lastLines(2));
    }

    @Test
    void acceptedExitCodesAreNoFailure() {
        assertEquals(1, tools.run(ToolRunner.Command.of("false").acceptingExitCodes(0, 1)).exitCode());
    }

    @Test
    void aProgramPastItsTimeoutIsKilled() {
        ToolRunner quick = new ToolRunner(Duration.ofMillis(300));
        long started = System.nanoTime();

        ToolException e = assertThrows(ToolException.class, () -> quick.run("sh", "-c", "echo started; sleep 30"));

        assertTrue(e.timedOut());
        assertEquals(OptionalInt.empty(), e.exitCode());
        assertTrue(e.getMessage().startsWith("sh timed out after 0 s:\n  started"), e.getMessage());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aMissingProgramIsATypedFailure() {
        ToolException e = assertThrows(ToolException.class, () -> tools.run("no-such-program-here"));

        assertTrue(e.getMessage().startsWith("cannot start no-such-program-here"), e.getMessage());
    }

    @Test
    void standardOutputCanGoToAFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");

        ToolRunner.Result result = tools.run(ToolRunner.Command.of("echo", "into a file").withStdoutTo(out));

        assertEquals("", result.stdout());
        assertEquals("into a file\n", Files.readString(out));
    }
}
