package org.debian.bootc.publisher.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.PublishFault;
import org.debian.bootc.publisher.failure.PublishFailure;
import org.debian.bootc.publisher.failure.Stage;

/**
 * The disk image phase with the real tools (ostree admin deploy, sgdisk, mkfs.fat, mtools,
 * mkfs.ext4, grub-mkimage, qemu-img) on a small commit that has what ostree needs to
 * deploy (a kernel and an initramfs under /usr/lib/modules; they are not bootable, the
 * end-to-end test boots the real one). The image is read back without mounting it:
 * sgdisk for the partition table, mtools for the ESP, debugfs for the ext4 file systems.
 */
class DiskImagePhaseIT {

    static final String REF = "debian/test/amd64/disk";
    static final String KVER = "6.1.0-0-test";
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;
    ProcessRunner runner;
    Path repo;
    DiskImagePhase phase;

    @BeforeEach
    void setUp() throws Exception {
        runner = new ProcessRunner();
        repo = dir.resolve("repo");
        Files.createDirectories(repo);
        runner.run(List.of("ostree", "init", "--repo=" + repo, "--mode=archive"), TIMEOUT);
        phase = new DiskImagePhase(runner, repo, dir.resolve("disk"), dir.resolve("work"), TIMEOUT, 2);
    }

    /** Commits a small deployable tree; {@code padding} bytes of zeros in one file make it as big as a test needs. */
    String commit(String content, long padding) throws Exception {
        Path tree = dir.resolve("tree-" + content);
        for (String d : List.of("usr/bin", "usr/etc", "usr/lib/modules/" + KVER, "var", "boot", "dev", "proc", "sys",
                "run", "tmp", "sysroot")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.writeString(tree.resolve("usr/lib/modules/" + KVER + "/vmlinuz"), "not a kernel " + content + "\n");
        Files.writeString(tree.resolve("usr/lib/modules/" + KVER + "/initramfs.img"), "not an initramfs\n");
        Files.writeString(tree.resolve("usr/etc/os-release"), "ID=debian\nPRETTY_NAME=\"Debian test\"\n");
        Files.writeString(tree.resolve("usr/etc/fstab"), "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
        Files.writeString(tree.resolve("usr/bin/tool"), content + "\n");
        if (padding > 0) {
            try (var out = Files.newOutputStream(tree.resolve("usr/bin/padding"))) {
                byte[] zeros = new byte[1 << 20];
                for (long written = 0; written < padding; written += zeros.length) {
                    out.write(zeros);
                }
            }
        }
        return runner.run(List.of("ostree", "commit", "--repo=" + repo, "--branch=" + REF, "--tree=dir=" + tree,
                "--add-metadata=ostree.bootable=true", "--add-metadata-string=ostree.linux=" + KVER), TIMEOUT)
                .stdoutText().strip();
    }

    static DiskImagePhase.Request request(String commit, List<String> formats, long size) {
        return new DiskImagePhase.Request("amd64", REF, commit, formats, size, List.of("console=ttyS0,115200n8", "quiet"));
    }

    String tool(String... command) {
        return runner.run(List.of(command), TIMEOUT).stdoutText();
    }

    @Test
    void aCommitBecomesAGptImageWithTheEspBootAndRootWrittenInPlace() throws Exception {
        String commit = commit("one", 0);
        long size = 2048 * DiskLayout.MIB;

        DiskImagePhase.Result result = phase.run(request(commit, List.of("raw", "qcow2"), size));

        assertFalse(result.reused());
        assertEquals(List.of("raw", "qcow2"), result.images().stream().map(DiskImagePhase.Image::format).toList());
        DiskImagePhase.Image raw = result.images().get(0);
        assertEquals(size, raw.sizeBytes());
        assertEquals(DiskImagePhase.sha256(raw.file()), raw.sha256());
        DiskLayout layout = DiskLayout.of(size);

        String table = tool("sgdisk", "--print", raw.file().toString());
        for (DiskLayout.Partition p : List.of(layout.esp(), layout.boot(), layout.root())) {
            assertTrue(table.lines().anyMatch(l -> l.trim().matches(p.number() + "\\s+" + p.firstSector() + "\\s+"
                    + p.lastSector() + "\\s.*\\s" + p.typeCode() + "\\s+" + p.name())), p + " in\n" + table);
        }
        String esp = runner.run(Command.of("mdir", "-b", "-i", raw.file() + "@@" + layout.esp().offsetBytes(),
                "::/EFI/BOOT").withTimeout(TIMEOUT).withEnvironment(Map.of("MTOOLS_SKIP_CHECK", "1")).capturingStdout())
                .stdoutText();
        assertTrue(esp.contains("BOOTX64.EFI"), esp);

        String boot = raw.file() + "?offset=" + layout.boot().offsetBytes();
        // the path GRUB reads is ostree's symlink chain: syslinux/syslinux.cfg -> ../loader/syslinux.cfg, loader -> loader.1
        String link = tool("debugfs", "-R", "stat /syslinux/syslinux.cfg", boot);
        assertTrue(link.contains("Type: symlink") && link.contains("\"../loader/syslinux.cfg\""), link);
        String syslinux = tool("debugfs", "-R", "cat /loader.1/syslinux.cfg", boot);
        assertTrue(syslinux.startsWith("PROMPT 1\nTIMEOUT 10\n"), syslinux);
        assertTrue(syslinux.contains("APPEND root=LABEL=root rw console=ttyS0,115200n8 quiet ostree=/ostree/boot.1/"
                + DiskImagePhase.OS_NAME + "/"), syslinux);
        assertTrue(syslinux.contains("KERNEL /boot/ostree/" + DiskImagePhase.OS_NAME + "-"), syslinux);
        assertTrue(tool("debugfs", "-R", "ls -l /", boot).contains("loader.1"));

        String root = raw.file() + "?offset=" + layout.root().offsetBytes();
        String deployment = "/ostree/deploy/" + DiskImagePhase.OS_NAME + "/deploy/" + commit + ".0";
        assertEquals("one\n", tool("debugfs", "-R", "cat " + deployment + "/usr/bin/tool", root));
        assertTrue(tool("debugfs", "-R", "cat " + deployment + "/etc/fstab", root)
                .contains("LABEL=boot /boot ext4 defaults 0 2"));
        assertTrue(tool("debugfs", "-R", "cat " + deployment + ".origin", root).contains("refspec=" + REF));
        assertTrue(tool("debugfs", "-R", "ls /boot", root).contains(". "), "the root keeps an empty /boot to mount on");

        String info = tool("qemu-img", "info", "--output=json", result.images().get(1).file().toString());
        assertEquals(size, new ObjectMapper().readTree(info).path("virtual-size").asLong(), info);
        assertEquals("qcow2", new ObjectMapper().readTree(info).path("format").asText());
        assertFalse(Files.exists(dir.resolve("work").resolve("disk-" + DiskImagePhase.key(request(commit,
                List.of("raw", "qcow2"), size)))), "the work tree (with ostree's immutable deployment) is removed");
    }

    @Test
    void theSameRequestAgainReusesTheImagesAndOnlyTheNewestKeysOfARefAreKept() throws Exception {
        String first = commit("one", 0);
        DiskImagePhase.Result made = phase.run(request(first, List.of("raw"), 2048 * DiskLayout.MIB));

        DiskImagePhase.Result again = phase.run(request(first, List.of("raw"), 2048 * DiskLayout.MIB));

        assertTrue(again.reused());
        assertEquals(made.images(), again.images());

        String second = commit("two", 0);
        DiskImagePhase.Result other = phase.run(request(second, List.of("raw"), 2048 * DiskLayout.MIB));
        assertFalse(other.reused());
        String third = commit("three", 0);
        phase.run(request(third, List.of("raw"), 2048 * DiskLayout.MIB));
        assertFalse(Files.exists(made.images().get(0).file()), "the oldest of three image sets is removed (keep 2)");
        assertTrue(Files.exists(other.images().get(0).file()));
    }

    @Test
    void aChangedImageFileIsMadeAgain() throws Exception {
        String commit = commit("one", 0);
        DiskImagePhase.Result made = phase.run(request(commit, List.of("qcow2"), 2048 * DiskLayout.MIB));
        Files.writeString(made.images().get(0).file(), "truncated");

        DiskImagePhase.Result again = phase.run(request(commit, List.of("qcow2"), 2048 * DiskLayout.MIB));

        assertFalse(again.reused());
        DiskImagePhase.Image image = again.images().get(0);
        assertEquals(DiskImagePhase.sha256(image.file()), image.sha256());
        assertEquals(Files.size(image.file()), image.sizeBytes());
        assertTrue(image.sizeBytes() > 1024 * 1024, "a whole qcow2 image again, not the truncated file");
    }

    @Test
    void aTreeThatDoesNotFitNamesDiskSize() throws Exception {
        String commit = commit("big", 200 * DiskLayout.MIB);
        long size = (1 + 64 + 512 + 256 + 1) * DiskLayout.MIB;

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> phase.run(request(commit, List.of("raw"), size)));

        assertEquals(Stage.DISK, e.stage());
        assertTrue(e.reason().startsWith("disk.size 834 MiB leaves 256 MiB for the root file system, but commit "
                + commit + " deployed needs about "), e.reason());
        assertTrue(e.reason().endsWith("raise disk.size"), e.reason());
        assertEquals(PublishFault.INPUT, e.fault(), "the target's disk.size, not the machine");
    }

    @Test
    void aCommitThatIsNotInTheRepositoryFailsInTheDiskStage() {
        String missing = "0".repeat(64);

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> phase.run(request(missing, List.of("raw"), 2048 * DiskLayout.MIB)));

        assertEquals(Stage.DISK, e.stage());
        assertEquals("commit " + missing + " of " + REF + " is not in the publisher's OSTree repository " + repo,
                e.reason());
        assertEquals(PublishFault.INFRASTRUCTURE, e.fault(), "the publisher's own repository lost a commit it made");
    }

    @Test
    void theDeployIsRefusedWhenBootIsNotATmpfs() throws Exception {
        // a mount that does nothing: /boot stays on the test's own file system, which ostree would freeze
        Path shims = Files.createDirectories(dir.resolve("shims"));
        Path mount = shims.resolve("mount");
        Files.writeString(mount, "#!/bin/sh\nexit 0\n");
        mount.toFile().setExecutable(true);
        Path sysroot = Files.createDirectories(dir.resolve("sysroot/boot")).getParent();
        Path copy = Files.createDirectories(dir.resolve("bootcopy"));

        CommandResult run = runner.run(Command.of("sh", "-euc", DiskImagePhase.DEPLOY_SCRIPT, "sh",
                sysroot.toString(), copy.toString(), REF).withTimeout(TIMEOUT)
                .withEnvironment(Map.of("PATH", shims + ":" + System.getenv("PATH"))).capturingStdout()
                .acceptingAnyExitCode());

        assertEquals(97, run.exitCode(), run.output());
        assertTrue(run.output().contains(sysroot.resolve("boot") + " is on ") && run.output().contains(
                "not a tmpfs: not deploying (ostree would freeze that file system)"), run.output());
        assertFalse(Files.exists(sysroot.resolve("boot/loader.0")), "nothing was deployed");
    }
}
