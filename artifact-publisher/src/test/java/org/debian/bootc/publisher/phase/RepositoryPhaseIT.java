package org.debian.bootc.publisher.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.publisher.TestTools;
import org.debian.bootc.events.PublishFault;
import org.debian.bootc.publisher.failure.PublishFailure;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.publisher.apt.ArtifactFetcher;
import org.debian.bootc.publisher.apt.BuiltPackagesAptRepository;
import org.debian.bootc.publisher.apt.RepositorySigner;

/** The compose's apt repository made by apt-ftparchive and signed by gpg, checked with gpgv. */
class RepositoryPhaseIT {

    @TempDir
    static Path dir;
    static RepositorySigner signer;
    static List<ArtifactRef> debs;

    @BeforeAll
    static void keyAndPackages() throws Exception {
        signer = TestTools.throwAwayKey(dir);
        debs = TestTools.download(dir.resolve("debs"), "hello");
    }

    private RepositoryPhase phase() {
        return new RepositoryPhase(new ProcessRunner(), new ArtifactFetcher(), signer, dir.resolve("apt"));
    }

    @Test
    void signedRepositoryListsTheBuiltPackage() throws Exception {
        BuiltPackagesAptRepository repository = phase().run(debs, dir.resolve("repo"), "compose", List.of("amd64"));

        assertEquals(List.of("hello"), repository.packages().stream().map(p -> p.name()).toList());
        Path dists = repository.root().resolve("dists/compose");
        String packages = Files.readString(dists.resolve("main/binary-amd64/Packages"));
        assertTrue(packages.contains("Package: hello\n"), packages);
        assertTrue(packages.contains("Filename: pool/main/" + debs.get(0).name()), packages);
        assertTrue(packages.contains("SHA256: " + debs.get(0).sha256()), packages);
        String release = Files.readString(dists.resolve("Release"));
        assertTrue(release.contains("Origin: deb-bootc-compose") && release.contains("Suite: compose")
                && release.contains("main/binary-amd64/Packages"), release);
        ProcessRunner runner = new ProcessRunner();
        runner.run(List.of("gpgv", "--keyring", repository.keyring().toString(), dists.resolve("InRelease").toString()),
                Duration.ofMinutes(1));
        runner.run(List.of("gpgv", "--keyring", repository.keyring().toString(), dists.resolve("Release.gpg").toString(),
                dists.resolve("Release").toString()), Duration.ofMinutes(1));
        assertTrue(repository.sourceLine().startsWith("deb [signed-by=" + repository.keyring() + "] copy:///"),
                repository.sourceLine());
    }

    @Test
    void anArtifactWhoseBytesDoNotMatchItsDigestIsRefused() {
        ArtifactRef real = debs.get(0);
        ArtifactRef lying = new ArtifactRef("0".repeat(64), real.category(), real.name(), real.size(), real.location());

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> phase().run(List.of(lying), dir.resolve("bad"), "compose", List.of("amd64")));
        assertEquals(Stage.REPOSITORY, e.stage());
        assertTrue(e.getMessage().contains(real.name()) && e.getMessage().contains("sha256 " + real.sha256()),
                e.getMessage());
        assertEquals(PublishFault.INPUT, e.fault(), "the event's artifact is wrong: a retry fetches the same bytes");
    }

    @Test
    void anUnknownSigningKeyIsNamed() {
        RepositoryPhase unknownKey = new RepositoryPhase(new ProcessRunner(), new ArtifactFetcher(),
                new RepositorySigner(signer.gnupgHome(), "0123456789ABCDEF0123456789ABCDEF01234567"), dir.resolve("apt"));

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> unknownKey.run(debs, dir.resolve("nokey"), "compose", List.of("amd64")));
        assertTrue(e.getMessage().startsWith("gpg exited"), e.getMessage());
        assertEquals(PublishFault.INFRASTRUCTURE, e.fault(), "the publisher's signing key, not the compose");
    }

    @Test
    void aLocationWithAnotherSchemeIsRefused() {
        ArtifactRef real = debs.get(0);
        ArtifactRef ftp = new ArtifactRef(real.sha256(), real.category(), real.name(), real.size(),
                "ftp://example.invalid/x.deb");

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> phase().run(List.of(ftp), dir.resolve("ftp"), "compose", List.of("amd64")));
        assertTrue(e.getMessage().contains("scheme \"ftp\""), e.getMessage());
        assertEquals(PublishFault.INPUT, e.fault());
    }

    @Test
    void aFileNameThatIsNotADebIsRefused() {
        ArtifactRef real = debs.get(0);
        ArtifactRef traversal = new ArtifactRef(real.sha256(), real.category(), "../evil.deb", real.size(),
                real.location());

        PublishFailure e = assertThrows(PublishFailure.class,
                () -> phase().run(List.of(traversal), dir.resolve("evil"), "compose", List.of("amd64")));
        assertTrue(e.getMessage().contains("\"../evil.deb\""), e.getMessage());
    }
}
