package org.debian.bootc.planner.archive;

import java.nio.file.Path;


/**
 * An index as the signed Release lists it, decompressed and checked, in the cache.
 *
 * @param path below {@code dists/<suite>/}, without compression suffix, e.g. {@code main/binary-amd64/Packages}
 * @param sha256 of the decompressed content
 * @param size of the decompressed content
 * @param file the cached file
 */
public record IndexFile(String path, String sha256, long size, Path file) {
}
