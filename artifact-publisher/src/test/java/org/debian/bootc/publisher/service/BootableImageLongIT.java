package org.debian.bootc.publisher.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.publisher.TestArchive;
import org.debian.bootc.publisher.TestTools;
import org.debian.bootc.publisher.failure.LintFailure;
import org.debian.bootc.publisher.lint.LintPhase;
import org.debian.bootc.publisher.phase.ArchiveRelease;

/**
 * The slow real-tool publishes (profile {@code long}): a bootable image with the kernel,
 * dracut's initramfs with ostree-prepare-root and systemd; and a compose whose package
 * ships /usr/etc, which lint stops.
 */
class BootableImageLongIT {

    static final String REF = "debian/test/amd64/bootable";

    @TempDir
    Path dir;

    private ImagePublisher publisher(boolean requireKernel) throws Exception {
        return new ImagePublisher(new PublisherSettings(dir.resolve("data"), TestTools.throwAwayKey(dir),
                Optional.of(Path.of(TestArchive.KEYRING)), Optional.of(Path.of("target/apt-cache").toAbsolutePath()),
                false, true, 64, requireKernel, Optional.empty(), "urn:deb-bootc-compose", Duration.ofMinutes(60)));
    }

    private ComposePlan plan(List<PackageId> closure, List<ResolvedPackage> extra) throws Exception {
        List<ResolvedPackage> packages = new ArrayList<>(closure.stream()
                .map(p -> new ResolvedPackage(p.name(), p.version(), p.architecture())).toList());
        packages.addAll(extra);
        return new ComposePlan(TestArchive.suite(), TestArchive.archive().toString(),
                ArchiveRelease.fetch(TestArchive.archive(), TestArchive.suite()).sha256(), Failable.NONE,
                List.of(new ImageTarget("amd64", REF, "localhost/debian-bootc/bootable", "1", Map.of(), packages)),
                List.of());
    }

    @Test
    void theKernelAndAnInitramfsWithPrepareRootAreCommitted() throws Exception {
        ImagePublisher publisher = publisher(true);
        List<PackageId> closure = TestArchive.closure(dir, "amd64", "linux-image-amd64", "dracut", "ostree",
                "ostree-boot", "systemd-sysv", "hello");
        List<ArtifactRef> hello = TestTools.download(dir.resolve("debs"), "hello");
        ComposePlan plan = plan(closure, List.of());

        PublishResult result = publisher.publish(new PublishRequest("bootable-1-20261125.t.0", "1", plan,
                plan.images().get(0), hello, List.of("hello")));

        ProcessRunner runner = new ProcessRunner();
        String repo = "--repo=" + publisher.ostreeRepository();
        String kver = runner.run(List.of("ostree", "show", repo, REF, "--print-metadata-key=ostree.linux"),
                Duration.ofMinutes(1)).stdoutText().strip().replace("'", "");
        assertEquals("true", runner.run(List.of("ostree", "show", repo, REF, "--print-metadata-key=ostree.bootable"),
                Duration.ofMinutes(1)).stdoutText().strip());
        String listing = runner.run(List.of("ostree", "ls", repo, REF, "/usr/lib/modules/" + kver), Duration.ofMinutes(1))
                .stdoutText();
        assertTrue(listing.contains("/usr/lib/modules/" + kver + "/vmlinuz")
                && listing.contains("/usr/lib/modules/" + kver + "/initramfs.img"), listing);
        assertEquals(1, runner.run(List.of("ostree", "ls", repo, REF, "/boot"), Duration.ofMinutes(1)).stdoutText()
                .lines().count(), "/boot is empty");
        assertEquals(result.commit().commit(), runner.run(List.of("ostree", "rev-parse", repo, REF), Duration.ofMinutes(1))
                .stdoutText().strip());
        assertTrue(result.image().layers().size() <= 64);
    }

    @Test
    void aPackageShippingUsrEtcIsStoppedByLint() throws Exception {
        ImagePublisher publisher = publisher(false);
        List<PackageId> closure = TestArchive.closure(dir, "amd64", "hello");
        ArtifactRef bad = TestTools.packageWith(dir.resolve("bad"), "usr-etc-config", "1.0", "usr/etc/bad.conf");
        ComposePlan plan = plan(closure, List.of(new ResolvedPackage("usr-etc-config", "1.0", "all")));

        LintFailure e = assertThrows(LintFailure.class, () -> publisher.publish(new PublishRequest(
                "bad-1-20261125.t.0", "1", plan, plan.images().get(0), List.of(bad), List.of("usr-etc-config"))));

        assertEquals(LintPhase.ETC_USRETC, e.rule());
        assertTrue(publisher.ociLayout("localhost/debian-bootc/bootable").manifest("1").isEmpty());
    }
}
