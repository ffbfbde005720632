package org.debian.bootc.executor.artifact;

import java.io.IOException;
import java.nio.file.Path;

import org.debian.bootc.events.ArtifactRef;

/**
 * Where build results go, content-addressed by sha256: storing the same bytes
 * twice keeps one copy. A local directory by default ({@link LocalArtifactStore});
 * a networked store (an OCI registry, S3) implements the same two methods.
 */
public interface ArtifactStore {

    /**
     * Stores a file's bytes.
     *
     * @param category e.g. {@link ArtifactRef#BINARY_PACKAGE}
     * @param name the file name the artifact is known by (the .deb's name)
     * @return the reference with its sha256, size and absolute location URI
     */
    ArtifactRef put(Path file, String category, String name) throws IOException;

    /** Whether the store holds bytes with this sha256. */
    boolean contains(String sha256);
}
