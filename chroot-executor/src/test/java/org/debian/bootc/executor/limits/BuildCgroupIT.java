package org.debian.bootc.executor.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The machine's real cgroups (v1 memory and pids here, as root): limits the kernel enforces. */
class BuildCgroupIT {

    private static Cgroups cgroups;

    @BeforeAll
    static void machine() {
        cgroups = Cgroups.detect();
        assertTrue(cgroups.usable(), "the executor's tests run as root on a machine with cgroups: "
                + cgroups.whyNotText());
    }

    private static Process start(BuildCgroup group, String script) throws Exception {
        List<String> argv = new ArrayList<>(group.enterPrefix());
        argv.addAll(List.of("/bin/sh", "-c", script));
        return new ProcessBuilder(argv).redirectErrorStream(true).start();
    }

    private static void closeAndCheckGone(BuildCgroup group) {
        group.close();
        for (var dir : group.dirs()) {
            assertFalse(Files.exists(dir), dir + " is left");
        }
    }

    @Test
    void aWellBehavedCommandRunsInTheGroupAndReachesNoLimit() throws Exception {
        try (BuildCgroup group = cgroups.create("it-" + UUID.randomUUID(), BuildLimits.DEFAULTS)) {
            Process p = start(group, "cat /proc/self/cgroup");
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains(Cgroups.PARENT + "/"), "in the build's group:\n" + out);
            assertTrue(group.limitReached().isEmpty());
        }
    }

    @Test
    void aMemoryHogIsKilledAndTheMemoryLimitNamed() throws Exception {
        BuildLimits limits = new BuildLimits(64L << 20, 64, 1L << 30, Duration.ofSeconds(1));
        BuildCgroup group = cgroups.create("it-" + UUID.randomUUID(), limits);
        try {
            // tail keeps a line that never ends in memory
            Process p = start(group, "tail /dev/zero");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the hog was not stopped");
            assertEquals(137, p.exitValue(), "killed by SIGKILL: " + new String(p.getInputStream().readAllBytes()));
            assertEquals("memory limit 64 MiB reached (the kernel's OOM killer ended 1 process)",
                    group.limitReached().orElseThrow());
        } finally {
            closeAndCheckGone(group);
        }
    }

    @Test
    void aForkBombStopsAtTheProcessLimitAndNothingOfItSurvivesTheGroup() throws Exception {
        BuildLimits limits = new BuildLimits(1L << 30, 40, 1L << 30, Duration.ofSeconds(1));
        BuildCgroup group = cgroups.create("it-" + UUID.randomUUID(), limits);
        try {
            Process p = start(group, "bomb() { bomb | bomb & }; bomb; sleep 600");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (group.limitReached().isEmpty() && System.nanoTime() < until) {
                assertTrue(group.processes().size() <= 40, "over the limit: " + group.processes().size());
                Thread.sleep(50);
            }
            assertEquals("process limit 40 reached", group.limitReached().orElseThrow());
            group.killAll();
            assertTrue(group.processes().isEmpty(), "left: " + group.processes());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        } finally {
            closeAndCheckGone(group);
        }
    }

    @Test
    void theGroupsOfADeadExecutorAreRemovedWithWhatRunsInThemAndOnlyThose() throws Exception {
        String prefix = "it-dead-" + UUID.randomUUID() + ".";
        BuildCgroup left = cgroups.create(prefix + "b1", BuildLimits.DEFAULTS);
        BuildCgroup other = cgroups.create("it-alive-" + UUID.randomUUID() + ".b1", BuildLimits.DEFAULTS);
        Process sleeper = start(left, "sleep 600");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (left.processes().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertFalse(left.processes().isEmpty(), "the sleeper joined its group");
        BuildCgroup.removeLeftovers(cgroups, prefix);
        assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the leftover group's process was killed");
        for (var dir : left.dirs()) {
            assertFalse(Files.exists(dir), dir + " is left");
        }
        for (var dir : other.dirs()) {
            assertTrue(Files.exists(dir), "another executor's group " + dir + " was removed");
        }
        other.close();
    }
}
