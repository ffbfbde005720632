package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;

/**
 * Build-deps layers, as mock's root_cache keeps a chroot per package set: what apt
 * installed for a build (the overlay's upper directory right after {@code apt-get
 * build-dep}), kept read-only and stacked between the base and the next build's own
 * upper directory when the next build's {@link BuildDepsKey} is the same. That build
 * then installs nothing: its build-deps are there, and dpkg's status says so.
 *
 * <p>A base's layers live in its own directory, {@code <base>/layers/<key id>/tree}, so
 * they go when the base is evicted; a base is never evicted while a build holds it, and a
 * build on a layer holds its base. Each base keeps at most {@code maxPerBase} layers,
 * least recently used dropped first, never one in use: as for bases, a process using a
 * layer holds a shared lock on {@code <key id>.use}, and removing it needs the exclusive
 * one. A layer is made in a {@code .tmp-} directory and renamed into place.
 */
public final class BuildDepsLayers {

    private static final Logger LOG = Logger.getLogger(BuildDepsLayers.class);
    static final String DIR = "layers";
    private static final String TREE = "tree";
    private static final String INFO = "layer.properties";
    private static final String LAST_USED = "last-used";
    /** dpkg's view of the base plus the layer ({@code dpkg-query -W} as the pipeline runs it), kept at capture. */
    private static final String INSTALLED = "installed";
    /** {@code <key id>.base-satisfies}: the base alone has every build-dep of the key; holds dpkg's view of it. */
    private static final String BASE_SATISFIES = ".base-satisfies";
    private static final String TEMP_PREFIX = ".tmp-";

    /** A layer handed to a buildroot; closing it lets pruning consider it again. */
    public final class Layer implements AutoCloseable {

        private final String id;
        private final Path tree;
        private boolean closed;

        private Layer(String id, Path tree) {
            this.id = id;
            this.tree = tree;
        }

        /** The key's sha256. */
        public String id() {
            return id;
        }

        /** The layer's tree, an overlay lower directory above the base. */
        public Path tree() {
            return tree;
        }

        /**
         * What {@code dpkg-query} said of the chroot when the layer was captured: the packages a
         * buildroot over it has before it installs anything (the layer and its base never change).
         */
        public Optional<String> installed() {
            return read(tree.getParent().resolve(INSTALLED));
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            locks.release(tree.getParent());
        }
    }

    private final int maxPerBase;
    private final TreeRemover remover;
    private final Clock clock;
    private final EntryLocks locks = new EntryLocks();

    /** @param maxPerBase layers kept per base; 0 turns layers off (every build installs its build-deps) */
    public BuildDepsLayers(int maxPerBase, TreeRemover remover, Clock clock) {
        if (maxPerBase < 0) {
            throw new IllegalArgumentException("build-deps-layers-per-base must be 0 or more, not " + maxPerBase);
        }
        this.maxPerBase = maxPerBase;
        this.remover = remover;
        this.clock = clock;
    }

    public boolean enabled() {
        return maxPerBase > 0;
    }

    private static Path layersOf(BaseChrootCache.Lease base) {
        return base.root().getParent().resolve(DIR);
    }

    /** The layer of {@code key} over {@code base}, when one has been made. */
    public Optional<Layer> acquire(BaseChrootCache.Lease base, BuildDepsKey key) {
        if (!enabled()) {
            return Optional.empty();
        }
        Path dir = layersOf(base);
        String id = key.id();
        Path layer = dir.resolve(id);
        if (!Files.isRegularFile(layer.resolve(INFO))) {
            return Optional.empty();
        }
        try {
            return locks.locked(layer, () -> {
                if (!Files.isRegularFile(layer.resolve(INFO))) {
                    return Optional.empty(); // dropped in the meantime
                }
                locks.use(layer);
                touch(layer);
                return Optional.of(new Layer(id, layer.resolve(TREE)));
            });
        } catch (IOException e) {
            LOG.warnf("build-deps layer %s cannot be used (%s): the build installs its build-deps", id, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Keeps what apt installed in {@code root} (its upper directory, copied with ownership,
     * modes, extended attributes and overlay whiteouts) as the layer of {@code key}; then
     * drops the least recently used layers of the base beyond {@code maxPerBase}. Call it
     * right after the install, before the build step writes anything. A layer of the key
     * made meanwhile by another build is kept and this copy dropped.
     *
     * @param installed what {@code dpkg-query} says of the chroot right after the install, kept
     *        with the layer ({@link Layer#installed()})
     * @return whether this call made the layer
     */
    public boolean capture(BaseChrootCache.Lease base, BuildDepsKey key, Buildroot root, String installed,
            LogSink log) {
        if (!enabled()) {
            return false;
        }
        Path dir = layersOf(base);
        String id = key.id();
        Path layer = dir.resolve(id);
        if (Files.isRegularFile(layer.resolve(INFO))) {
            return false;
        }
        long started = System.nanoTime();
        Path temp = dir.resolve(TEMP_PREFIX + id + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(temp.resolve(TREE));
            root.copyUpperTo(temp.resolve(TREE), log);
            Files.writeString(temp.resolve(INSTALLED), installed);
            Properties info = new Properties();
            info.setProperty("id", id);
            info.setProperty("inputs", key.canonical());
            info.setProperty("buildroot", root.id().value());
            info.setProperty("bytes", Long.toString(remover.size(temp.resolve(TREE))));
            info.setProperty("created", clock.instant().toString());
            try (OutputStream out = Files.newOutputStream(temp.resolve(INFO))) {
                info.store(out, "build-deps layer " + id);
            }
            boolean placed = locks.locked(layer, () -> {
                if (Files.exists(layer)) {
                    return false;
                }
                Files.move(temp, layer, StandardCopyOption.ATOMIC_MOVE);
                touch(layer);
                return true;
            });
            if (!placed) {
                log.line("build-deps layer " + id + " was made meanwhile by another build: this copy is dropped");
                return false;
            }
            log.line("build-deps layer " + id + " made from this build's install in "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms (" + info.getProperty("bytes")
                    + " bytes): the next build with the same build-deps on this base installs nothing");
            prune(dir, id);
            return true;
        } catch (IOException | UncheckedIOException | CommandFailedException e) {
            log.line("warning: no build-deps layer kept (" + e.getMessage() + "); the next build installs again");
            return false;
        } finally {
            try {
                remover.delete(temp);
            } catch (UncheckedIOException e) {
                LOG.warnf("cannot remove %s: %s", temp, e.getMessage());
            }
        }
    }

    /**
     * The base alone has every build-dep of {@code key}, as an earlier build found
     * ({@link #recordSatisfiedByBase}): with the base fixed, so is that answer.
     *
     * @return what {@code dpkg-query} said of the base then
     */
    public Optional<String> satisfiedByBase(BaseChrootCache.Lease base, BuildDepsKey key) {
        return enabled() ? read(layersOf(base).resolve(key.id() + BASE_SATISFIES)) : Optional.empty();
    }

    /**
     * Records that the base alone has every build-dep of {@code key}, with what {@code dpkg-query}
     * said of it, so the next build with the key checks nothing and asks dpkg nothing. A failure
     * to write costs only that check later.
     */
    public void recordSatisfiedByBase(BaseChrootCache.Lease base, BuildDepsKey key, String installed) {
        if (!enabled()) {
            return;
        }
        Path dir = layersOf(base);
        Path temp = dir.resolve(TEMP_PREFIX + key.id() + "-" + UUID.randomUUID() + BASE_SATISFIES);
        try {
            Files.createDirectories(dir);
            Files.writeString(temp, installed);
            Files.move(temp, dir.resolve(key.id() + BASE_SATISFIES), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("cannot record that base %s satisfies %s: %s", base.id(), key.id(), e.getMessage());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next start's leftover removal takes it
            }
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("cannot read %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    private void touch(Path layer) throws IOException {
        Path stamp = layer.resolve(LAST_USED);
        if (!Files.exists(stamp)) {
            Files.createFile(stamp);
        }
        Files.setLastModifiedTime(stamp, FileTime.from(clock.instant()));
    }

    /** The complete layers of a base's layer directory, least recently used first. */
    static List<Path> layers(Path dir) {
        List<Path> layers = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return layers;
        }
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(c -> Files.isRegularFile(c.resolve(INFO))).forEach(layers::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        layers.sort(Comparator.comparing(BuildDepsLayers::lastUsed));
        return layers;
    }

    private static Instant lastUsed(Path layer) {
        try {
            Path stamp = layer.resolve(LAST_USED);
            return Files.getLastModifiedTime(Files.exists(stamp) ? stamp : layer.resolve(INFO)).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /**
     * Drops least recently used layers of one base while it has more than {@code maxPerBase};
     * a layer in use here or by another process stays, and so does {@code keep} (the one just made).
     *
     * @return the layers removed
     */
    List<Path> prune(Path dir, String keep) {
        List<Path> layers = layers(dir);
        layers.removeIf(l -> l.getFileName().toString().equals(keep));
        List<Path> removed = new ArrayList<>();
        int over = layers.size() + 1 - maxPerBase;
        for (Path layer : layers) {
            if (over <= 0) {
                break;
            }
            if (remove(dir, layer)) {
                removed.add(layer);
                over--;
                LOG.infof("dropped build-deps layer %s (more than %d on its base)", layer, maxPerBase);
            }
        }
        return removed;
    }

    private boolean remove(Path dir, Path layer) {
        try {
            return locks.ifUnused(layer, () -> {
                Path trash = dir.resolve(TEMP_PREFIX + layer.getFileName() + "-" + UUID.randomUUID());
                Files.move(layer, trash, StandardCopyOption.ATOMIC_MOVE);
                remover.delete(trash);
                return true;
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf("cannot drop build-deps layer %s: %s", layer, e.getMessage());
            return false;
        }
    }

    /**
     * Removes what captures cut short by a crash left in the bases' layer directories
     * ({@code .tmp-} directories older than {@code olderThan}: a capture takes seconds, and
     * another executor on the machine may be capturing right now).
     *
     * @param basesDir the base chroot cache's directory
     * @return the directories removed
     */
    public List<Path> removeLeftovers(Path basesDir, Duration olderThan) {
        List<Path> removed = new ArrayList<>();
        Instant before = clock.instant().minus(olderThan);
        try (Stream<Path> bases = Files.list(basesDir)) {
            for (Path layerDir : bases.map(b -> b.resolve(DIR)).filter(Files::isDirectory).toList()) {
                try (Stream<Path> children = Files.list(layerDir)) {
                    for (Path child : children.filter(c -> c.getFileName().toString().startsWith(TEMP_PREFIX))
                            .toList()) {
                        if (Files.getLastModifiedTime(child).toInstant().isBefore(before)) {
                            remover.delete(child);
                            removed.add(child);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the build-deps layers under " + basesDir, e);
        }
        return removed;
    }
}
