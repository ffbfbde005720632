package org.debian.bootc.executor.service;

import java.util.List;
import java.util.Optional;

/**
 * An apt repository a build's dependencies may come from besides the archive.
 *
 * @param uri its absolute root URI
 * @param suite e.g. {@code bookworm}, or a flat repository's directory ending in {@code /}
 * @param components empty for a flat repository
 * @param signedBy a keyring path on this machine or an ASCII-armoured key block; empty: trusted without a signature
 */
public record ExtraRepository(String uri, String suite, List<String> components, Optional<String> signedBy) {

    public ExtraRepository {
        components = List.copyOf(components);
    }
}
