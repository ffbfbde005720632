package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.executor.failure.RootError;

/**
 * Base chroots, one per {@link BaseKey}, kept in a directory as mock keeps its
 * root_cache and sbuild its tarballs: {@code <dir>/<key id>/root} is the tree,
 * {@code <dir>/<key id>/base.properties} its inputs and size. A base is made in a
 * temporary directory and renamed into place, so a half-made base is never seen
 * (a crash leaves only a {@code .tmp-} directory, removed at the next start); once
 * in place nothing writes to it (builds write to an overlay's upper directory).
 *
 * <p>Requests for one key make it once: a lock per key in this JVM, and a file
 * lock on {@code <key id>.lock} across processes sharing the directory. Bases
 * unused for {@code maxAge}, then the least recently used while the total is over
 * {@code maxBytes}, are evicted; a base leased by a running build is never evicted,
 * whichever process runs it: while a process holds leases on a base it holds a
 * shared lock on {@code <key id>.use}, and eviction needs that file's exclusive lock.
 */
public final class BaseChrootCache {

    private static final Logger LOG = Logger.getLogger(BaseChrootCache.class);
    private static final String ROOT = "root";
    private static final String INFO = "base.properties";
    private static final String LAST_USED = "last-used";
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TRASH_PREFIX = ".trash-";

    /** A base handed to a build; closing the lease lets eviction consider it again. */
    public final class Lease implements AutoCloseable {

        private final BaseKey key;
        private final String id;
        private final Path root;
        private final boolean made;
        private boolean closed;

        private Lease(BaseKey key, String id, Path root, boolean made) {
            this.key = key;
            this.id = id;
            this.root = root;
            this.made = made;
        }

        public BaseKey key() {
            return key;
        }

        /** The key's sha256, the base's directory name. */
        public String id() {
            return id;
        }

        /** The base's file-system tree, the overlay's lower directory. */
        public Path root() {
            return root;
        }

        /** Whether this request made the base (false: it was in the cache). */
        public boolean made() {
            return made;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            locks.release(dir.resolve(id));
        }
    }

    /** One base in the cache, for eviction and status. */
    public record Entry(String id, long bytes, Instant lastUsed) {
    }

    private final Path dir;
    private final BaseMaker maker;
    private final Duration maxAge;
    private final long maxBytes;
    private final Clock clock;
    private final EntryLocks locks = new EntryLocks();
    private final AtomicInteger made = new AtomicInteger();

    private final TreeRemover remover;

    public BaseChrootCache(Path dir, BaseMaker maker, Duration maxAge, long maxBytes, Clock clock) {
        this(dir, maker, maxAge, maxBytes, clock, TreeRemover.PLAIN);
    }

    /** @param remover how bases and leftovers are removed (in the unprivileged mode: inside a user namespace) */
    public BaseChrootCache(Path dir, BaseMaker maker, Duration maxAge, long maxBytes, Clock clock,
            TreeRemover remover) {
        this.remover = remover;
        this.dir = dir;
        this.maker = maker;
        this.maxAge = maxAge;
        this.maxBytes = maxBytes;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the base chroot cache " + dir, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** How many bases this instance has made (ran its {@link BaseMaker} for) since it was created. */
    public int made() {
        return made.get();
    }

    /**
     * The base for {@code key}, made first when the cache does not hold it.
     *
     * @throws org.debian.bootc.executor.failure.BuildFailure when it has to be made and cannot be
     */
    public Lease acquire(BaseKey key, LogSink log) {
        String id = key.id();
        Path base = dir.resolve(id);
        try {
            return locks.locked(base, () -> {
                boolean makeIt = !Files.isRegularFile(base.resolve(INFO));
                if (makeIt) {
                    log.line("base chroot " + id + " is not cached: making it");
                    make(key, id, log);
                } else {
                    log.line("base chroot " + id + " is cached: " + base.resolve(ROOT));
                }
                touch(base);
                locks.use(base);
                return new Lease(key, id, base.resolve(ROOT), makeIt);
            });
        } catch (IOException e) {
            throw new RootError("cannot lock base chroot " + id + " in " + dir + ": " + e.getMessage(), List.of(), e);
        }
    }

    private void make(BaseKey key, String id, LogSink log) throws IOException {
        Path temp = dir.resolve(TEMP_PREFIX + id + "-" + UUID.randomUUID());
        Files.createDirectories(temp);
        try {
            long started = System.nanoTime();
            maker.make(key, temp.resolve(ROOT), log);
            made.incrementAndGet();
            Properties info = new Properties();
            info.setProperty("id", id);
            info.setProperty("suite", key.suite());
            info.setProperty("architecture", key.architecture());
            info.setProperty("archive", key.archive().toString());
            info.setProperty("inReleaseSha256", key.inReleaseSha256());
            info.setProperty("extraPackages", String.join(",", key.extraPackages()));
            info.setProperty("recipe", key.recipe());
            info.setProperty("bytes", Long.toString(remover.size(temp.resolve(ROOT))));
            info.setProperty("created", clock.instant().toString());
            try (OutputStream out = Files.newOutputStream(temp.resolve(INFO))) {
                info.store(out, "base chroot " + id);
            }
            try {
                Files.move(temp, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new RootError("the base chroot cache " + dir + " cannot rename atomically: " + e.getMessage(),
                        List.of(), e);
            }
            log.line("base chroot " + id + " made in " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                    + " s");
        } finally {
            remover.delete(temp);
        }
    }

    private void touch(Path base) throws IOException {
        Path stamp = base.resolve(LAST_USED);
        if (!Files.exists(stamp)) {
            Files.createFile(stamp);
        }
        Files.setLastModifiedTime(stamp, FileTime.from(clock.instant()));
    }

    /** Every complete base in the cache, least recently used first. */
    public List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                Path info = child.resolve(INFO);
                if (!Files.isRegularFile(info)) {
                    continue;
                }
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(info)) {
                    p.load(in);
                }
                Path stamp = child.resolve(LAST_USED);
                Instant lastUsed = Files.exists(stamp) ? Files.getLastModifiedTime(stamp).toInstant()
                        : Files.getLastModifiedTime(info).toInstant();
                entries.add(new Entry(child.getFileName().toString(), Long.parseLong(p.getProperty("bytes", "0")),
                        lastUsed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the base chroot cache " + dir, e);
        }
        entries.sort(Comparator.comparing(Entry::lastUsed));
        return entries;
    }

    /**
     * Evicts bases unused for longer than the maximum age, then the least recently
     * used ones while the cache is larger than its maximum size. Leased bases, and
     * bases another process holds the lock of, stay.
     *
     * @return the ids evicted
     */
    public List<String> evict() {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        Instant oldest = clock.instant().minus(maxAge);
        List<String> evicted = new ArrayList<>();
        for (Entry entry : entries) {
            boolean tooOld = entry.lastUsed().isBefore(oldest);
            boolean tooBig = total > maxBytes;
            if (!tooOld && !tooBig) {
                continue;
            }
            if (remove(entry.id())) {
                evicted.add(entry.id());
                total -= entry.bytes();
                LOG.infof("evicted base chroot %s (%d bytes, last used %s)", entry.id(), entry.bytes(), entry.lastUsed());
            }
        }
        return evicted;
    }

    private boolean remove(String id) {
        Path base = dir.resolve(id);
        try {
            // not while being made, nor leased here or by another process
            return locks.ifUnused(base, () -> {
                Path trash = dir.resolve(TRASH_PREFIX + id + "-" + UUID.randomUUID());
                Files.move(base, trash, StandardCopyOption.ATOMIC_MOVE);
                remover.delete(trash);
                return true;
            });
        } catch (IOException e) {
            LOG.warnf("cannot evict base chroot %s: %s", id, e.getMessage());
            return false;
        }
    }

    /** Removes what an interrupted creation or eviction left ({@code .tmp-} and {@code .trash-} directories). */
    public List<Path> removeLeftovers() {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
                    String id = name.substring(name.indexOf('-', 1) + 1, Math.min(name.length(), name.indexOf('-', 1) + 65));
                    if (locks.lockedElsewhere(dir.resolve(id))) {
                        continue; // another process is making this base right now
                    }
                    remover.delete(child);
                    removed.add(child);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the base chroot cache " + dir, e);
        }
        return removed;
    }
}
