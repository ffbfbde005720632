package org.debian.bootc.debian.apt;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a manifest's extra repository may name a keyring file by path ({@code signed_by}): the
 * directories Debian keeps keyrings in. A service that reads such a path copies the file into
 * a buildroot or an image, where package code reads it; any other path would let a manifest
 * copy any file of that host (a token, a signing key) there. The planner refuses another path
 * at submit time, the executor again before it reads one.
 */
public final class Keyrings {

    /** The keyring directories; a keyring must be a file directly in one of them. */
    public static final List<Path> DIRECTORIES = List.of(Path.of("/usr/share/keyrings"), Path.of("/etc/apt/keyrings"),
            Path.of("/etc/apt/trusted.gpg.d"));

    private Keyrings() {
    }

    /** Why {@code path} may not name a keyring; empty when it may (whether the file exists is not checked). */
    public static Optional<String> whyNot(String path) {
        Path file = Path.of(path).normalize();
        if (file.isAbsolute() && file.getParent() != null && DIRECTORIES.contains(file.getParent())
                && !path.contains("/../") && !path.contains("/./")) {
            return Optional.empty();
        }
        return Optional.of("is not a keyring file in " + DIRECTORIES.stream().map(Path::toString)
                .collect(Collectors.joining(", ")) + ": give the key itself (an armoured block) or install the"
                + " keyring there on the executors");
    }
}
