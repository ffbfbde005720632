package org.debian.bootc.publisher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.PublishFault;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.publisher.disk.DiskImagePhase;
import org.debian.bootc.publisher.failure.PublishFailure;
import org.debian.bootc.publisher.apt.RepositorySigner;
import org.debian.bootc.publisher.failure.Stage;

/**
 * The disk phase as a stage of a publish (a small tree with a stand-in kernel, the real
 * tools): a target with {@code disk} gets its images after the commit, a target without
 * gets none, and a format this publisher cannot write fails the publish in stage
 * {@code disk}, naming it, with the commit already made.
 */
class PublishDiskIT {

    static final String REF = "debian/test/amd64/disk";

    @TempDir
    Path dir;

    ImagePublisher publisher() {
        return new ImagePublisher(new PublisherSettings(dir.resolve("data"), new RepositorySigner(dir, "unused"),
                Optional.empty(), Optional.empty(), false, false, 64, true, Optional.empty(), "urn:deb-bootc-compose",
                Duration.ofMinutes(5)));
    }

    static PublishRequest request(DiskSpec disk) {
        ImageTarget target = new ImageTarget("amd64", REF, "registry.invalid/debian-bootc/disk", "1", Map.of(),
                List.of(new ResolvedPackage("base-files", "13.8", "amd64")), disk);
        ComposePlan plan = new ComposePlan("trixie", "file:///nonexistent", "a".repeat(64), Failable.NONE,
                List.of(target), List.of());
        return new PublishRequest("disk-1-20261125.t.0", "1", plan, target, List.of(), List.of());
    }

    /** A tree the layout and lint accept, with a kernel and initramfs where Debian's packages put them. */
    Path tree(String name) throws Exception {
        Path tree = dir.resolve(name);
        for (String d : List.of("etc", "usr/bin", "var/lib/dpkg/info", "dev", "proc", "sys", "run", "tmp", "boot")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.writeString(tree.resolve("boot/vmlinuz-6.1.0-0-test"), "not a kernel\n");
        // an uncompressed cpio initramfs holding what the layout checks for (dracut's ostree module's binary)
        Path initramfs = Files.createDirectories(dir.resolve(name + "-initramfs/usr/lib/ostree"));
        Files.writeString(initramfs.resolve("ostree-prepare-root"), "stand-in\n");
        ProcessRunner runner = new ProcessRunner();
        runner.run(List.of("sh", "-c", "cd \"$1\" && find . | cpio --quiet -o -H newc > \"$2\"", "sh",
                dir.resolve(name + "-initramfs").toString(), tree.resolve("boot/initrd.img-6.1.0-0-test").toString()),
                Duration.ofMinutes(1));
        Files.writeString(tree.resolve("usr/bin/tool"), "one\n");
        Files.writeString(tree.resolve("etc/os-release"), "ID=debian\n");
        Files.writeString(tree.resolve("etc/fstab"), "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n");
        Files.writeString(tree.resolve("var/lib/dpkg/status"), "");
        return tree;
    }

    @Test
    void aTargetWithDiskGetsItsImagesAfterTheCommit() throws Exception {
        PublishResult result = publisher().publishTree(request(new DiskSpec(List.of("qcow2"), 2L << 30,
                List.of("console=ttyS0,115200n8"))), tree("t"), 1_700_000_000L);

        assertEquals(List.of(Stage.LINT, Stage.OSTREE, Stage.IMAGE, Stage.DISK), result.stages());
        assertEquals(1, result.disks().size());
        DiskImagePhase.Image image = result.disks().get(0);
        assertEquals("qcow2", image.format());
        assertTrue(image.file().startsWith(dir.resolve("data/disk")), image.file().toString());
        assertEquals(Files.size(image.file()), image.sizeBytes());
    }

    @Test
    void aTargetWithoutDiskGetsNone() throws Exception {
        PublishResult result = publisher().publishTree(request(null), tree("t"), 1_700_000_000L);

        assertEquals(List.of(Stage.LINT, Stage.OSTREE, Stage.IMAGE), result.stages());
        assertEquals(List.of(), result.disks());
    }

    @Test
    void aFormatThisPublisherCannotWriteFailsInTheDiskStage() throws Exception {
        ImagePublisher publisher = publisher();

        PublishFailure e = assertThrows(PublishFailure.class, () -> publisher.publishTree(
                request(new DiskSpec(List.of("raw", "vmdk"), 2L << 30, List.of())), tree("t"), 1_700_000_000L));

        assertEquals(Stage.DISK, e.stage());
        assertTrue(e.reason().startsWith("disk.formats: ") && e.reason().contains("vmdk"), e.reason());
        assertEquals(PublishFault.INPUT, e.fault());
        assertTrue(publisher.refCommit(REF).isPresent(), "the commit is made before the disk stage");
    }
}
