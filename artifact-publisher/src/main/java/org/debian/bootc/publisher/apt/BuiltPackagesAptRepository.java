package org.debian.bootc.publisher.apt;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.debian.bootc.debian.PackageId;

/**
 * The apt repository of the compose's built packages, {@code deb [signed-by=keyring] uri suite main}
 * (named for what it is: {@code ComposeRepository} is a database repository in the planner and the scheduler).
 *
 * @param root the repository's directory ({@code dists/}, {@code pool/}, the public keyring)
 * @param keyring the signing key's public part, usable as apt's {@code Signed-By}
 * @param packages every binary package in it
 */
public record BuiltPackagesAptRepository(Path root, String suite, Path keyring, List<PackageId> packages) {

    public static final String COMPONENT = "main";
    /** The {@code Origin} of its Release file, which the root file system's apt pins above the archive. */
    public static final String ORIGIN = "deb-bootc-compose";

    public BuiltPackagesAptRepository {
        packages = List.copyOf(packages);
    }

    public URI uri() {
        return root.toUri();
    }

    /**
     * The one-line apt source for this repository. It says {@code copy://}, not
     * {@code file://}: apt then copies the packages into the root file system's cache,
     * where dpkg inside the chroot can read them.
     */
    public String sourceLine() {
        return "deb [signed-by=" + keyring + "] copy://" + root.toAbsolutePath() + " " + suite + " " + COMPONENT;
    }

    public Optional<PackageId> find(String name) {
        return packages.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
