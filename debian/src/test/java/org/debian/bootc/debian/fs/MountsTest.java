package org.debian.bootc.debian.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class MountsTest {

    private static String line(String point) {
        return "36 35 98:0 / " + point + " rw,noatime master:1 - ext3 /dev/root rw,errors=continue";
    }

    @Test
    void listsOnlyMountPointsStrictlyBelowTheDirectoryDeepestFirst() {
        List<String> info = List.of(line("/"), line("/srv/work"), line("/srv/work/root/proc"),
                line("/srv/work/root/dev/pts"), line("/srv/work/root/dev"), line("/srv/workshop/proc"));
        assertEquals(List.of("/srv/work/root/dev/pts", "/srv/work/root/proc", "/srv/work/root/dev"),
                Mounts.below(info, Path.of("/srv/work")));
    }

    @Test
    void readsTheOctalEscapesOfMountinfo() {
        assertEquals(List.of("/srv/a dir/with\ttab\\and\nnewline"),
                Mounts.below(List.of(line("/srv/a\\040dir/with\\011tab\\134and\\012newline")), Path.of("/srv")));
        // a backslash not followed by three octal digits is kept as it is
        assertEquals("a\\9b\\01", Mounts.unescape("a\\9b\\01"));
    }

    @Test
    void seesARealMountOfThisProcess() {
        // /proc/self/mountinfo lists /proc under /
        assertEquals(true, Mounts.below(Path.of("/")).contains("/proc"));
    }
}
