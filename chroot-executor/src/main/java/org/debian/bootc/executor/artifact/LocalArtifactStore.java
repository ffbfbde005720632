package org.debian.bootc.executor.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import org.debian.bootc.events.ArtifactRef;

/**
 * Artifacts in a local directory: {@code <dir>/sha256/<first two hex digits>/<sha256>},
 * written to a temporary file and renamed into place, so a reader never sees a
 * partial blob. Locations are {@code file://} URIs.
 */
public final class LocalArtifactStore implements ArtifactStore {

    private final Path dir;

    public LocalArtifactStore(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            Files.createDirectories(this.dir.resolve("sha256"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the artifact store " + dir, e);
        }
    }

    /**
     * Reads the file once, without following a link (a result is the file the build made,
     * never what a link names), hashing it into a temporary file that is then renamed to its
     * sha256: the stored bytes are the hashed bytes even if the file changes meanwhile.
     */
    @Override
    public ArtifactRef put(Path file, String category, String name) throws IOException {
        Path incoming = Files.createDirectories(dir.resolve("sha256")).resolve(".incoming-" + UUID.randomUUID());
        try {
            MessageDigest digest = newSha256();
            long size;
            try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), digest)) {
                size = Files.copy(in, incoming);
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            Path blob = blob(sha256);
            if (!Files.exists(blob)) {
                Files.createDirectories(blob.getParent());
                try {
                    Files.move(incoming, blob, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // another build stored the same bytes first
                }
            }
            return new ArtifactRef(sha256, category, name, size, blob.toUri().toString());
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    @Override
    public boolean contains(String sha256) {
        return Files.isRegularFile(blob(sha256));
    }

    /** Where the bytes with this sha256 are (or would be). */
    public Path blob(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
        }
        return dir.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
