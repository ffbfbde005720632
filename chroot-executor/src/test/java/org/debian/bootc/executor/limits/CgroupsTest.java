package org.debian.bootc.executor.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupsTest {

    @TempDir
    Path dir;

    @Test
    void cgroupV1IsFoundByItsControllersSuperOptions() {
        Cgroups c = Cgroups.detect(String.join("\n",
                "22 27 0:21 / /proc rw,relatime - proc proc rw",
                "30 29 0:26 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
                "33 29 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
                "37 29 0:33 / /sys/fs/cgroup/pids rw,relatime shared:9 - cgroup cgroup rw,pids"));
        assertEquals(1, c.version());
        assertEquals(Path.of("/sys/fs/cgroup/memory"), c.memory());
        assertEquals(Path.of("/sys/fs/cgroup/pids"), c.pids());
    }

    @Test
    void cgroupV2IsTheUnifiedHierarchyAndMustOfferMemoryAndPids() throws IOException {
        Files.writeString(dir.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Cgroups c = Cgroups.detect("40 1 0:35 / " + dir + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
        assertEquals(2, c.version());
        assertEquals(dir, c.memory());
        assertTrue(c.usable(), c.whyNotText());
        Files.writeString(dir.resolve("cgroup.controllers"), "cpu io\n");
        Cgroups without = Cgroups.detect("40 1 0:35 / " + dir + " rw,nosuid - cgroup2 cgroup2 rw\n");
        assertFalse(without.usable());
        assertTrue(without.whyNotText().contains("not both memory and pids"), without.whyNotText());
    }

    @Test
    void noHierarchyIsSaid() {
        Cgroups c = Cgroups.detect("22 27 0:21 / /proc rw,relatime - proc proc rw\n");
        assertFalse(c.usable());
        assertTrue(c.whyNotText().contains("no cgroup v1 memory and pids controllers"), c.whyNotText());
    }

    /** The v2 files of a build's group, against a tree made here (only v1 can be run on this machine). */
    @Test
    void aV2GroupGetsItsLimitsAndSaysWhichOneWasReached() throws IOException {
        Files.writeString(dir.resolve("cgroup.controllers"), "memory pids\n");
        Files.writeString(dir.resolve("cgroup.subtree_control"), "");
        Path parent = Files.createDirectories(dir.resolve(Cgroups.PARENT));
        Files.writeString(parent.resolve("cgroup.subtree_control"), "");
        Path group = Files.createDirectories(parent.resolve("b1"));
        Files.writeString(group.resolve("memory.swap.max"), "max");
        Cgroups c = new Cgroups(2, dir, dir, java.util.Optional.empty());
        BuildLimits limits = new BuildLimits(256L << 20, 64, 1L << 30, Duration.ofSeconds(1));
        BuildCgroup b = c.create("b1", limits);
        assertEquals("+memory +pids", Files.readString(dir.resolve("cgroup.subtree_control")));
        assertEquals("+memory +pids", Files.readString(parent.resolve("cgroup.subtree_control")));
        assertEquals(Long.toString(256L << 20), Files.readString(group.resolve("memory.max")));
        assertEquals("0", Files.readString(group.resolve("memory.swap.max")));
        assertEquals("64", Files.readString(group.resolve("pids.max")));
        assertEquals(List.of("/bin/sh", "-c", BuildCgroup.ENTER, "cgroup", group.resolve("cgroup.procs").toString(), "--"),
                b.enterPrefix());
        assertTrue(b.limitReached().isEmpty());
        Files.writeString(group.resolve("pids.events"), "max 3\n");
        assertEquals("process limit 64 reached", b.limitReached().orElseThrow());
        Files.writeString(group.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
        assertEquals("memory limit 256 MiB reached (the kernel's OOM killer ended 1 process)",
                b.limitReached().orElseThrow());
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertEquals("8 GiB", BuildLimits.human(8L << 30));
        assertEquals("256 MiB", BuildLimits.human(256L << 20));
        assertEquals("1.5 GiB", BuildLimits.human(3L << 29));
        assertEquals("900 bytes", BuildLimits.human(900));
    }

    @Test
    void limitsBelowWhatABuildNeedsAreRefusedNamingTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BuildLimits(1024, 4096, 40L << 30, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("build memory limit 1024 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BuildLimits(8L << 30, 2, 40L << 30, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> new BuildLimits(8L << 30, 64, 40L << 30, Duration.ZERO));
    }

    @Test
    void aGroupNameMustBePlain() {
        Cgroups c = new Cgroups(2, dir, dir, java.util.Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> c.create("../../x", BuildLimits.DEFAULTS));
    }
}
