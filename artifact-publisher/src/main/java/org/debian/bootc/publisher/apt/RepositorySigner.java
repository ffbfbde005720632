package org.debian.bootc.publisher.apt;

import java.nio.file.Path;

/**
 * The OpenPGP key the compose's apt repository is signed with, as apt's archive
 * tools expect it: a GnuPG home holding the secret key, and the key's id or fingerprint.
 */
public record RepositorySigner(Path gnupgHome, String keyId) {

    public RepositorySigner {
        if (gnupgHome == null || !gnupgHome.isAbsolute()) {
            throw new IllegalArgumentException("signing GnuPG home \"" + gnupgHome + "\" is not an absolute path");
        }
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("signing key id is empty");
        }
    }
}
