package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

/**
 * The locks of a cache whose entries ({@code <dir>/<id>}) are made once, used by builds
 * and removed when unused, by any of the processes sharing the directory:
 * <ul>
 * <li>{@code <id>.lock}, held exclusively (with a lock per entry in this JVM, since one
 * JVM cannot hold two locks on a file) while an entry is looked at, made or removed;</li>
 * <li>{@code <id>.use}, held shared by each process while it uses the entry (one lock per
 * process, counted here), which removal must take exclusively.</li>
 * </ul>
 * The lock files stay (a file another process may be opening is never deleted).
 */
final class EntryLocks {

    private static final Logger LOG = Logger.getLogger(EntryLocks.class);

    /** A body run with an entry's locks held. */
    interface Locked<T> {
        T run() throws IOException;
    }

    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Integer> uses = new ConcurrentHashMap<>();
    /** The shared locks on {@code <id>.use} this process holds, one per entry it uses. */
    private final Map<String, FileChannel> useLocks = new ConcurrentHashMap<>();

    private ReentrantLock lockOf(Path entry) {
        return locks.computeIfAbsent(entry.toString(), k -> new ReentrantLock());
    }

    private static Path sibling(Path entry, String suffix) {
        return entry.resolveSibling(entry.getFileName() + suffix);
    }

    /** Runs {@code body} holding the entry's lock, waiting for another thread or process holding it. */
    <T> T locked(Path entry, Locked<T> body) throws IOException {
        ReentrantLock lock = lockOf(entry);
        lock.lock();
        try (FileChannel channel = FileChannel.open(sibling(entry, ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock fileLock = channel.lock()) {
            return body.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts one more use of the entry by this process, taking the shared lock on
     * {@code <id>.use} for the first. Call it inside {@link #locked}: a removing process
     * needs {@code <id>.lock} first, so the shared lock is never refused there.
     */
    void use(Path entry) throws IOException {
        String key = entry.toString();
        if (!useLocks.containsKey(key)) {
            FileChannel use = FileChannel.open(sibling(entry, ".use"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
            try {
                use.lock(0, Long.MAX_VALUE, true);
            } catch (IOException | RuntimeException e) {
                use.close();
                throw e;
            }
            useLocks.put(key, use);
        }
        uses.merge(key, 1, Integer::sum);
    }

    /** One use fewer; the last releases the shared lock. */
    void release(Path entry) {
        String key = entry.toString();
        ReentrantLock lock = lockOf(entry);
        lock.lock();
        try {
            if (uses.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1) == null) {
                FileChannel use = useLocks.remove(key);
                if (use != null) {
                    try {
                        use.close(); // releases the shared lock
                    } catch (IOException e) {
                        LOG.warnf("cannot release the use lock of %s: %s", entry, e.getMessage());
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether this process uses the entry. */
    boolean usedHere(Path entry) {
        return uses.containsKey(entry.toString());
    }

    /**
     * Runs {@code body} when nobody holds the entry: no use here or in another process, not
     * being made or removed. Never waits.
     *
     * @return false when the entry is held (then {@code body} did not run), else {@code body}'s answer
     */
    boolean ifUnused(Path entry, Locked<Boolean> body) throws IOException {
        if (usedHere(entry)) {
            return false;
        }
        ReentrantLock lock = lockOf(entry);
        if (!lock.tryLock()) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(sibling(entry, ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock fileLock = channel.tryLock();
                FileChannel useChannel = FileChannel.open(sibling(entry, ".use"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock inUse = fileLock == null || usedHere(entry) ? null
                                : useChannel.tryLock()) {
            if (fileLock == null || inUse == null) {
                return false;
            }
            return body.run();
        } finally {
            lock.unlock();
        }
    }

    /** Whether another thread or process holds the entry's lock (making or removing it) right now. */
    boolean lockedElsewhere(Path entry) {
        ReentrantLock lock = lockOf(entry);
        if (!lock.tryLock()) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(sibling(entry, ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock fileLock = channel.tryLock()) {
            return fileLock == null;
        } catch (IOException e) {
            return true;
        } finally {
            lock.unlock();
        }
    }
}
