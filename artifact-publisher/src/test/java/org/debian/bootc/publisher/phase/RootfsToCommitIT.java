package org.debian.bootc.publisher.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.publisher.BinaryPackage;
import org.debian.bootc.publisher.TestArchive;
import org.debian.bootc.publisher.TestTools;
import org.debian.bootc.publisher.lint.LintPhase;
import org.debian.bootc.publisher.process.ProcessRunner;

/** mmdebstrap, the OSTree layout, lint and ostree commit on a small real package set. */
class RootfsToCommitIT {

    @TempDir
    Path dir;

    /** JUnit's clean-up warns about every absolute symlink of a root file system; this one does not. */
    @AfterEach
    void deleteTree() throws Exception {
        Tree.deleteRecursively(dir.resolve("tree"));
    }

    @Test
    void aRebuiltPackageIsInstalledFromTheComposeRepositoryAndCommitted() throws Exception {
        ProcessRunner runner = new ProcessRunner(dir.resolve("scratch"));
        List<BinaryPackage> closure = TestArchive.closure(dir, "amd64", "hello");
        List<ArtifactRef> debs = TestTools.download(dir.resolve("debs"), "hello");
        ComposeRepository repository = new RepositoryPhase(runner, new ArtifactFetcher(), TestTools.throwAwayKey(dir))
                .run(debs, dir.resolve("repo"), "compose", List.of("amd64"));
        RootfsPhase rootfs = new RootfsPhase(runner, dir.resolve("work"), Optional.of(Path.of(TestArchive.KEYRING)),
                Optional.of(Path.of("target/apt-cache").toAbsolutePath()), Duration.ofMinutes(20));

        Path tree = rootfs.run(new RootfsRequest("amd64", TestArchive.archive(), TestArchive.suite(), List.of("main"),
                closure, Optional.of(repository), List.of(), 1_700_000_000L), dir.resolve("tree"));
        OstreeLayout.Result layout = new OstreeLayout(runner, false).apply(tree);
        new LintPhase(runner).run(tree);

        assertEquals(Optional.empty(), layout.kernelVersion());
        assertTrue(Files.isRegularFile(tree.resolve("usr/bin/hello")));
        assertTrue(Files.isRegularFile(tree.resolve(OstreeLayout.DPKG_DATABASE).resolve("info/hello.list")));
        assertEquals("../../" + OstreeLayout.DPKG_DATABASE, Files.readSymbolicLink(tree.resolve("var/lib/dpkg")).toString());
        assertEquals("var/home", Files.readSymbolicLink(tree.resolve("home")).toString());
        assertEquals("sysroot/ostree", Files.readSymbolicLink(tree.resolve("ostree")).toString());
        assertEquals(0, Files.size(tree.resolve("etc/machine-id")));
        assertFalse(Files.exists(tree.resolve("usr/etc"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.readString(tree.resolve("etc/apt/sources.list")).contains("compose"));
        assertTrue(Files.readString(tree.resolve(OstreeLayout.TMPFILES)).contains("d /var/cache/apt "),
                Files.readString(tree.resolve(OstreeLayout.TMPFILES)));
        assertEquals(List.of(), List.of(tree.resolve("boot").toFile().list()));

        OstreeCommitPhase ostree = new OstreeCommitPhase(runner, dir.resolve("ostree/repo"), Duration.ofMinutes(10));
        OstreeCommitPhase.Request request = new OstreeCommitPhase.Request("debian/test/amd64/minimal", "1",
                "minimal-1-20261125.t.0", List.of("hello"), Optional.empty(), 1_700_000_000L);
        OstreeCommitPhase.Result first = ostree.run(tree, request);
        OstreeCommitPhase.Result again = ostree.run(tree, request);

        assertTrue(first.created());
        assertFalse(again.created());
        assertEquals(first.commit(), again.commit());
        String listing = runner.run(List.of("ostree", "ls", "--repo=" + ostree.repo(), request.ref(), "/usr/bin/hello",
                "/usr/etc/machine-id"), Duration.ofMinutes(1)).stdoutText();
        assertTrue(listing.contains("/usr/bin/hello") && listing.contains("/usr/etc/machine-id"), listing);
        String metadata = runner.run(List.of("ostree", "show", "--repo=" + ostree.repo(), request.ref(),
                "--print-metadata-key=deb-bootc-compose.rebuilt-sources"), Duration.ofMinutes(1)).stdoutText();
        assertEquals("['hello']", metadata.strip());
        assertTrue(Files.isDirectory(tree.resolve("etc")) && !Files.exists(tree.resolve("usr/etc")));
    }
}
