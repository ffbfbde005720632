package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * A directory of files named by the sha256 of their content
 * ({@code <dir>/sha256/<hash>}). Files enter only by an atomic rename after their
 * hash was checked, so concurrent planners share one cache safely, and every read
 * checks size and hash again: a file damaged on disk is dropped and fetched anew
 * rather than trusted.
 */
public final class IndexCache {

    private static final Logger LOG = Logger.getLogger(IndexCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final Path files;
    private final Path tmp;

    public IndexCache(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.files = this.dir.resolve("sha256");
        this.tmp = this.dir.resolve("tmp");
        try {
            Files.createDirectories(files);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create index cache " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The cached file with this content, after checking it; empty when it is not cached (or was damaged). */
    public Optional<Path> find(String sha256, long size) {
        Path file = files.resolve(checked(sha256));
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) == size && sha256(file).equals(sha256)) {
                return Optional.of(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        LOG.warnf("cached %s does not match its name; dropping it", file);
        delete(file);
        return Optional.empty();
    }

    /** A fresh file on the cache's file system, for a download that {@link #adopt} may take in. */
    public Path newTempFile() {
        try {
            return Files.createTempFile(tmp, "part-", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file in " + tmp, e);
        }
    }

    /**
     * Moves a file whose content the caller has verified into the cache.
     *
     * @return the cached file
     */
    public Path adopt(Path verified, String sha256) {
        Path target = files.resolve(checked(sha256));
        try {
            // archive indices are public: readable by every service that shares the cache
            Files.setPosixFilePermissions(verified, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            delete(verified);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IllegalStateException("the cache's tmp/ and sha256/ must share a file system", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + verified + " into the cache", e);
        }
        return target;
    }

    /** Stores small content (an InRelease, a keyring) and returns its cached file. */
    public Path store(byte[] content) {
        String sha256 = sha256(content);
        Optional<Path> cached = find(sha256, content.length);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path temp = newTempFile();
        try {
            Files.write(temp, content);
        } catch (IOException e) {
            delete(temp);
            throw new UncheckedIOException("cannot write " + temp, e);
        }
        return adopt(temp, sha256);
    }

    public static String sha256(Path file) {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest().digest(content));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Removes a directory and everything below it (a resolver root, a gpgv work dir); null is nothing. */
    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(IndexCache::delete);
        } catch (IOException e) {
            LOG.warnf("cannot remove %s: %s", dir, e.getMessage());
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", file, e.getMessage());
        }
    }

    private static String checked(String sha256) {
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a sha256: '" + sha256 + "'");
        }
        return sha256;
    }
}
