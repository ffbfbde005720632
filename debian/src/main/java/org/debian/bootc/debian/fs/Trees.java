package org.debian.bootc.debian.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * Deletes directory trees that builds and tools made (root file systems, chroots, overlay
 * directories), which can hold what a killed program left: mounts of the host's
 * {@code /proc}, {@code /sys} or {@code /dev}, and directories of mode 000 (overlayfs's
 * {@code work/work}). Symbolic links are never followed, and a deletion never crosses into
 * another file system.
 */
public final class Trees {

    private static final ProcessRunner UMOUNT = new ProcessRunner(Duration.ofSeconds(30));

    private Trees() {
    }

    /**
     * Deletes {@code root} and everything under it; nothing happens if it does not exist. What is
     * mounted below it is unmounted first (lazily); a directory on another device that is still
     * there fails the deletion before anything under it is touched. Files that vanish meanwhile
     * are no error.
     *
     * @throws IOException when something cannot be unmounted or deleted
     */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Mounts.detachBelow(root, UMOUNT);
        } catch (CommandFailedException e) {
            throw new IOException("cannot unmount what is mounted below " + root + ": " + e.getMessage(), e);
        }
        Object device = Files.getAttribute(root, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
                    throw new IOException("refusing to delete " + dir + ": it is on another file system than " + root
                            + " (a mount point)");
                }
                // overlayfs leaves its work/work directory mode 000: enter it to empty it
                dir.toFile().setExecutable(true, true);
                dir.toFile().setReadable(true, true);
                dir.toFile().setWritable(true, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes everything inside the directory {@code dir}, keeping the directory itself. */
    public static void empty(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var children = Files.list(dir)) {
            for (Path child : children.toList()) {
                delete(child);
            }
        }
    }
}
