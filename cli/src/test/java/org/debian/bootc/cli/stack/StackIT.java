package org.debian.bootc.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;

/**
 * {@code stack up | down} with the real local-stack jar that the reactor built
 * ({@code mvn -pl cli -am verify} packages local-stack first): a real broker and
 * PostgreSQL on free ports, in a directory of the test's own.
 */
class StackIT {

    static final Path JAR = Path.of("..", "local-stack", "target", "local-stack-0.1.0-SNAPSHOT-runner.jar")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void upStartsTheStackOnceAndDownStopsIt() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "the reactor builds " + JAR);
        Path data = dir.resolve("stack");
        CliRun up = CliRun.run(Map.of(), dir, false, "stack", "up", "--data", data.toString(), "--jar", JAR.toString(),
                "--kafka-port", "0", "--postgres-port", "0", "--timeout", "120");
        long pid = -1;
        try {
            assertEquals(ExitCodes.OK, up.exit, up.toString());
            assertTrue(up.out.matches("(?s)READY kafka=localhost:\\d+ postgres=localhost:\\d+\n.*"), up.out);
            pid = Long.parseLong(Files.readString(data.resolve(LocalStackProcess.PID_FILE)).strip());
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
            assertTrue(Files.isRegularFile(data.resolve("stack.env")), "the stack wrote stack.env");

            CliRun again = CliRun.run(Map.of(), dir, false, "stack", "up", "--data", data.toString(), "--jar",
                    JAR.toString(), "--kafka-port", "0", "--postgres-port", "0");
            assertEquals(ExitCodes.OK, again.exit, again.toString());
            assertTrue(again.out.contains("already runs from " + data + " (pid " + pid + ")"), again.out);
        } finally {
            CliRun down = CliRun.run(Map.of(), dir, false, "stack", "down", "--data", data.toString());
            assertEquals(ExitCodes.OK, down.exit, down.toString());
            assertTrue(down.out.contains("local stack stopped (pid " + pid + ")"), down.toString());
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        assertFalse(process.map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
        assertFalse(Files.exists(data.resolve(LocalStackProcess.PID_FILE)));
        assertFalse(Files.exists(data.resolve("stack.env")), "SIGTERM let the stack clean up");

        CliRun nothing = CliRun.run(Map.of(), dir, false, "stack", "down", "--data", data.toString());
        assertEquals(ExitCodes.OK, nothing.exit);
        assertTrue(nothing.out.contains("no local stack runs from"), nothing.out);
    }

    @Test
    void aMissingJarIsBadInputNamingIt() {
        Path missing = dir.resolve("no-such-runner.jar");
        CliRun run = CliRun.run(Map.of(), dir, false, "stack", "up", "--data", dir.resolve("s").toString(), "--jar",
                missing.toString());
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("local-stack jar '" + missing + "' not found"), run.err);
    }
}
