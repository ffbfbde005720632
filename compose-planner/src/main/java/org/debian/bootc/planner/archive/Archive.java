package org.debian.bootc.planner.archive;

import java.net.URI;
import java.util.Optional;

import org.debian.bootc.debian.apt.SignedBy;

/**
 * The archive a suite is read from.
 *
 * @param uri the archive root (the directory holding {@code dists/}), ending in {@code /}
 * @param signedBy the apt entry's Signed-By; empty means the configured default keyring
 * @param origin where the choice came from, for messages: an apt source file or "configuration"
 */
public record Archive(URI uri, Optional<SignedBy> signedBy, String origin) {

    public Archive {
        uri = ArchiveUris.asDirectory(uri);
    }

    @Override
    public String toString() {
        return ArchiveUris.display(uri);
    }
}
