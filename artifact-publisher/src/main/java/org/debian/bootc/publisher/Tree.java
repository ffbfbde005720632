package org.debian.bootc.publisher;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.Mounts;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * File-tree operations the phases share. Symlinks are never followed, and a deletion never
 * crosses into another file system: a root file system that mmdebstrap was making when its
 * publisher was killed can still have the host's {@code /proc}, {@code /sys} or a {@code /dev}
 * mount inside.
 */
public final class Tree {

    private static final ProcessRunner UMOUNT = new ProcessRunner(Duration.ofSeconds(30));

    private Tree() {
    }

    /**
     * Deletes {@code path} and everything under it; nothing happens if it does not exist. What is
     * mounted below it is unmounted first (lazily); a directory on another device that is still
     * there fails the deletion before anything under it is touched.
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Mounts.detachBelow(path, UMOUNT);
        } catch (CommandFailedException e) {
            throw new IOException("cannot unmount what is mounted below " + path + ": " + e.getMessage(), e);
        }
        Object device = Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException("refusing to delete " + dir + ": it is on another file system than " + path
                            + " (a mount point)");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes everything inside the directory {@code dir}, keeping the directory itself. */
    public static void emptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var children = Files.list(dir)) {
            for (Path child : children.toList()) {
                deleteRecursively(child);
            }
        }
    }
}
