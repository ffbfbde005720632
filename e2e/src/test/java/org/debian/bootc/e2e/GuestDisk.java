package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the boot test does to a copy of a published raw disk image before it boots it,
 * without mounting anything: a drop-in in the deployment's {@code /etc} (the machine's
 * own configuration, as a first-boot customisation would write it) that logs root in on
 * the serial console, so the test can type commands. Written with debugfs into the root
 * file system at its partition's offset.
 */
final class GuestDisk {

    static final String AUTOLOGIN = "[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --keep-baud"
            + " 115200,57600,38400,9600 %I $TERM\n";

    private GuestDisk() {
    }

    /** A sparse copy of {@code raw} at {@code copy} whose deployment of {@code commit} logs root in on ttyS0. */
    static void autologinCopy(Path raw, Path copy, String commit) throws Exception {
        Files.createDirectories(copy.getParent());
        Files.deleteIfExists(copy);
        run("cp", "--sparse=always", raw.toString(), copy.toString());
        long offset = partitionOffset(copy, 3);
        // a published image's root file system is clean (no journal to replay that would undo what debugfs writes)
        run("e2fsck", "-f", "-n", copy + "?offset=" + offset);
        Path dropIn = copy.resolveSibling("autologin.conf");
        Files.writeString(dropIn, AUTOLOGIN);
        String dir = "/ostree/deploy/debian/deploy/" + commit + ".0/etc/systemd/system/serial-getty@ttyS0.service.d";
        Path commands = copy.resolveSibling("debugfs.cmd");
        Files.writeString(commands, "mkdir " + dir + "\nwrite " + dropIn + " " + dir + "/autologin.conf\n");
        run("debugfs", "-w", "-f", commands.toString(), copy + "?offset=" + offset);
        String written = run("debugfs", "-R", "cat " + dir + "/autologin.conf", copy + "?offset=" + offset);
        assertEquals(AUTOLOGIN, written, "debugfs did not write the autologin drop-in");
        run("e2fsck", "-f", "-n", copy + "?offset=" + offset);
    }

    /** The byte offset of partition {@code number}, from sgdisk. */
    static long partitionOffset(Path disk, int number) throws Exception {
        String info = run("sgdisk", "--info=" + number, disk.toString());
        Matcher m = Pattern.compile("First sector: (\\d+)").matcher(info);
        assertTrue(m.find(), "no first sector of partition " + number + ":\n" + info);
        return Long.parseLong(m.group(1)) * 512;
    }

    /** Runs a tool; returns its standard output, fails with its standard error when it exits non-zero. */
    static String run(String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("e2e-tool-", ".err");
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
            assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out + Files.readString(err));
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
