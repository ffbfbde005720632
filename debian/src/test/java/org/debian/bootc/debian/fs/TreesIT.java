package org.debian.bootc.debian.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.debian.bootc.debian.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trees that builds and tools leave, deleted as root (as the publisher and the root-mode
 * executor run): with mounts a killed mmdebstrap left inside, and with overlayfs's mode-000
 * directory.
 */
class TreesIT {

    private final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(30));

    @Test
    void deletingAWorkDirectoryNeverDeletesWhatIsMountedInsideIt(@TempDir Path dir) throws Exception {
        // the host's files, bind-mounted into a root file system as mmdebstrap mounts /dev, /proc and /sys
        Path host = Files.createDirectories(dir.resolve("host"));
        Path precious = Files.writeString(host.resolve("precious"), "the host's own file");
        Path work = dir.resolve("work");
        Path dev = Files.createDirectories(work.resolve("rootfs/dev"));
        Files.writeString(work.resolve("rootfs/etc-file"), "made by the build");
        Path pts = Files.createDirectories(host.resolve("pts"));
        runner.run(List.of("mount", "--bind", host.toString(), dev.toString()), Duration.ofSeconds(30));
        runner.run(List.of("mount", "-t", "tmpfs", "tmpfs", dev.resolve("pts").toString()), Duration.ofSeconds(30));
        try {
            assertEquals(2, Mounts.below(work).size());

            Trees.delete(work);

            assertFalse(Files.exists(work), "the work directory is gone");
            assertEquals(List.of(), Mounts.below(dir), "nothing stays mounted");
            assertTrue(Files.isRegularFile(precious), "a file of the host was deleted through a bind mount");
            assertTrue(Files.isDirectory(pts));
        } finally {
            for (String mount : Mounts.below(dir)) {
                runner.run(List.of("umount", "--lazy", mount), Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void aTreeWithAModeZeroDirectoryAndASymlinkOutIsDeletedWithoutFollowingTheLink(@TempDir Path dir) throws Exception {
        Path outside = Files.writeString(dir.resolve("outside"), "kept");
        Path tree = Files.createDirectories(dir.resolve("upper/work/work"));
        Files.writeString(tree.resolve("file"), "x");
        Files.createSymbolicLink(dir.resolve("upper/link"), outside);
        Files.createSymbolicLink(dir.resolve("upper/dirlink"), dir);
        Files.setPosixFilePermissions(tree, java.util.Set.of());

        Trees.delete(dir.resolve("upper"));

        assertFalse(Files.exists(dir.resolve("upper")));
        assertEquals("kept", Files.readString(outside));
    }
}
