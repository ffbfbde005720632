package org.debian.bootc.debian.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.debian.bootc.debian.fs.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Command#tiedToService()} on the real setpriv and unshare (as root, as the publisher
 * runs): what the program mounts stays in its own namespace, and a parent killed by SIGKILL
 * takes the program and everything it started with it.
 */
class TiedToServiceIT {

    private final ProcessRunner runner = new ProcessRunner();

    @Test
    void whatATiedProgramMountsIsNeverSeenOutsideIt(@TempDir Path dir) throws Exception {
        Path point = Files.createDirectory(dir.resolve("proc-like"));
        CommandResult result = runner.run(Command.of("sh", "-c",
                "mount -t tmpfs tmpfs \"$1\" && touch \"$1/inside\" && grep -c \" $1 \" /proc/self/mountinfo",
                "sh", point.toString()).capturingStdout().tiedToService());

        assertEquals("1", result.stdoutText().strip(), "the program saw its own mount");
        assertEquals(List.of(), Mounts.below(dir), "the mount stayed in the program's namespace");
        assertFalse(Files.exists(point.resolve("inside")), "the file went to the program's tmpfs, gone with it");
        assertEquals("sh", result.argv().get(0), "failures name the program, not the launcher");
    }

    @Test
    void aTiedProgramAndWhatItStartedDieWithAParentKilledBySigkill() throws Exception {
        // a sleep no other process runs: found on the host by its argument
        String marker = "4321." + (100000 + new Random().nextInt(899999));
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "\"$@\" & wait", "sh"));
        argv.addAll(Command.of("sh", "-c", "sleep " + marker + " & sleep " + marker + "; wait")
                .tiedToService().launchArgv());
        Process parent = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            assertTrue(await(marker, 2), "the program's two sleeps did not start");
            parent.destroyForcibly(); // SIGKILL: the parent gets no chance to stop its children
            assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
            assertTrue(await(marker, 0), "sleeps of the tied program outlived its killed parent: " + running(marker));
        } finally {
            parent.destroyForcibly();
            running(marker).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean await(String marker, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (running(marker).size() == count) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static List<ProcessHandle> running(String marker) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)).toList();
    }
}
