package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.deb822.Deb822;
import org.debian.bootc.debian.fs.Trees;
import org.debian.bootc.publisher.apt.ArtifactFetcher;
import org.debian.bootc.publisher.apt.BuiltPackagesAptRepository;
import org.debian.bootc.publisher.apt.RepositorySigner;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;

/**
 * Pungi's createrepo step for Debian: the compose's built {@code .deb}s as an apt
 * repository made by {@code apt-ftparchive}, its Release signed by the configured key
 * ({@code InRelease} clear-signed, {@code Release.gpg} detached), and the key's public
 * part beside it for apt's {@code Signed-By}. It is made under {@code <aptRoot>/<compose id>}
 * and kept (it is the compose's, not one image's).
 */
public final class RepositoryPhase implements Phase {

    /** The apt repository of the compose's built packages, for the rootfs phase. */
    public static final PublishContext.Key<BuiltPackagesAptRepository> REPOSITORY =
            new PublishContext.Key<>("built-packages apt repository");

    private static final Logger LOG = Logger.getLogger(RepositoryPhase.class);
    private static final Pattern DEB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+.~_-]*\\.deb");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private final ProcessRunner runner;
    private final ArtifactFetcher fetcher;
    private final RepositorySigner signer;
    private final Path aptRoot;

    /** @param aptRoot holds one repository per compose */
    public RepositoryPhase(ProcessRunner runner, ArtifactFetcher fetcher, RepositorySigner signer, Path aptRoot) {
        this.runner = runner;
        this.fetcher = fetcher;
        this.signer = signer;
        this.aptRoot = aptRoot;
    }

    @Override
    public Stage stage() {
        return Stage.REPOSITORY;
    }

    /** The compose's built packages for the image's architecture (and {@code all}), suite {@code compose}. */
    @Override
    public void run(PublishContext context) {
        context.put(REPOSITORY, run(context.builtPackages(), aptRoot.resolve(context.composeId()), "compose",
                List.of(context.architecture())));
    }

    /**
     * Makes the repository in {@code root} (emptied first) from the binary-package
     * artifacts; other categories (logs, buildinfo) are not part of an apt repository.
     *
     * @param suite the suite (and codename) the Release names
     * @param architectures the architectures the Release offers ({@code all} packages appear in each)
     */
    public BuiltPackagesAptRepository run(List<ArtifactRef> artifacts, Path root, String suite, List<String> architectures) {
        try {
            return make(artifacts, root, suite, architectures);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.REPOSITORY, e);
        } catch (IllegalArgumentException e) {
            // an artifact's name, location or digest
            throw new InputRejected(Stage.REPOSITORY, e.getMessage(), e);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.REPOSITORY, "cannot write the apt repository in " + root + ": " + e, e);
        }
    }

    private BuiltPackagesAptRepository make(List<ArtifactRef> artifacts, Path root, String suite, List<String> architectures)
            throws IOException {
        Trees.delete(root);
        Path pool = Files.createDirectories(root.resolve("pool").resolve(BuiltPackagesAptRepository.COMPONENT));
        for (ArtifactRef artifact : artifacts) {
            if (!ArtifactRef.BINARY_PACKAGE.equals(artifact.category())) {
                continue;
            }
            if (!DEB_NAME.matcher(artifact.name()).matches()) {
                throw new IllegalArgumentException("artifact name \"" + artifact.name()
                        + "\" is not a .deb file name (letters, digits, + . ~ _ -, ending in .deb)");
            }
            fetcher.fetch(artifact, pool.resolve(artifact.name()));
        }
        Path dists = root.resolve("dists").resolve(suite);
        List<PackageId> packages = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (String architecture : architectures) {
            Path binary = Files.createDirectories(dists.resolve(BuiltPackagesAptRepository.COMPONENT).resolve("binary-" + architecture));
            byte[] index = runner.run(Command.of("apt-ftparchive", "--arch", architecture, "packages",
                    "pool/" + BuiltPackagesAptRepository.COMPONENT).withTimeout(TOOL_TIMEOUT).inDirectory(root).capturingStdout())
                    .stdout();
            Files.write(binary.resolve("Packages"), index);
            try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(binary.resolve("Packages.gz")))) {
                gz.write(index);
            }
            for (PackageId p : parsePackages(new String(index, StandardCharsets.UTF_8))) {
                if (names.add(p.name() + " " + p.version() + " " + p.architecture())) {
                    packages.add(p);
                }
            }
        }
        byte[] release = runner.run(Command.of("apt-ftparchive",
                "-o", "APT::FTPArchive::Release::Origin=" + BuiltPackagesAptRepository.ORIGIN,
                "-o", "APT::FTPArchive::Release::Label=" + BuiltPackagesAptRepository.ORIGIN,
                "-o", "APT::FTPArchive::Release::Suite=" + suite,
                "-o", "APT::FTPArchive::Release::Codename=" + suite,
                "-o", "APT::FTPArchive::Release::Architectures=" + String.join(" ", architectures),
                "-o", "APT::FTPArchive::Release::Components=" + BuiltPackagesAptRepository.COMPONENT,
                "release", ".").withTimeout(TOOL_TIMEOUT).inDirectory(dists).capturingStdout()).stdout();
        Files.write(dists.resolve("Release"), release);
        String home = signer.gnupgHome().toString();
        runner.run(List.of("gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback",
                "--passphrase", "", "--local-user", signer.keyId(), "--clearsign", "--output",
                dists.resolve("InRelease").toString(), dists.resolve("Release").toString()), TOOL_TIMEOUT);
        runner.run(List.of("gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback",
                "--passphrase", "", "--local-user", signer.keyId(), "--armor", "--detach-sign", "--output",
                dists.resolve("Release.gpg").toString(), dists.resolve("Release").toString()), TOOL_TIMEOUT);
        Path keyring = root.resolve("compose-archive-keyring.gpg");
        byte[] key = runner.run(List.of("gpg", "--homedir", home, "--batch", "--export", signer.keyId()),
                TOOL_TIMEOUT).stdout();
        if (key.length == 0) {
            // the publisher's configuration, not the compose
            throw new InfrastructureFailure(Stage.REPOSITORY, "signing key \"" + signer.keyId() + "\" is not in " + home);
        }
        Files.write(keyring, key);
        packages.sort(null);
        LOG.infof("apt repository %s: %d binary packages, suite %s, signed by %s", root, packages.size(), suite,
                signer.keyId());
        return new BuiltPackagesAptRepository(root, suite, keyring, packages);
    }

    /** The {@code Package}, {@code Version} and {@code Architecture} of each stanza of a Packages index. */
    static List<PackageId> parsePackages(String index) {
        List<PackageId> packages = new ArrayList<>();
        for (Deb822.Paragraph stanza : Deb822.parse(index, "Packages")) {
            stanza.get("Package").ifPresent(name -> packages.add(new PackageId(name, stanza.getOrEmpty("Version"),
                    stanza.getOrEmpty("Architecture"))));
        }
        return packages;
    }
}
