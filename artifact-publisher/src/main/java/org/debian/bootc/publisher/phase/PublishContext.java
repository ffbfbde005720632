package org.debian.bootc.publisher.phase;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.publisher.failure.Stage;

/**
 * What the phases of one image's publish share: its inputs (the compose, its plan, the
 * architecture's target, the built packages, the SOURCE_DATE_EPOCH, the tree's place) and
 * each phase's output under that phase's own typed {@link Key}, so this class knows no
 * phase and a new phase adds a key rather than a field. One context per publish, used by
 * one thread.
 */
public final class PublishContext {

    /** The name and type of one phase's output. */
    public record Key<T>(String name) {

        public Key {
            Objects.requireNonNull(name, "name");
        }
    }

    private final String composeId;
    private final String version;
    private final ComposePlan plan;
    private final ImageTarget target;
    private final List<ArtifactRef> builtPackages;
    private final List<String> rebuiltSources;
    private final Optional<URI> archive;
    private final long sourceDateEpoch;
    private final Path workDir;
    private final Path tree;
    private final Map<Key<?>, Object> outputs = new HashMap<>();
    private final List<Stage> stages = new ArrayList<>();

    /**
     * @param archive the plan's archive as a URI (empty when the tree is given, not made from the archive)
     * @param workDir this publish's scratch directory, removed afterwards
     * @param tree where the root file system is (made by the rootfs phase, or given)
     */
    public PublishContext(String composeId, String version, ComposePlan plan, ImageTarget target,
            List<ArtifactRef> builtPackages, List<String> rebuiltSources, Optional<URI> archive, long sourceDateEpoch,
            Path workDir, Path tree) {
        this.composeId = composeId;
        this.version = version;
        this.plan = plan;
        this.target = target;
        this.builtPackages = List.copyOf(builtPackages);
        this.rebuiltSources = List.copyOf(rebuiltSources);
        this.archive = archive;
        this.sourceDateEpoch = sourceDateEpoch;
        this.workDir = workDir;
        this.tree = tree;
    }

    public String composeId() {
        return composeId;
    }

    public String version() {
        return version;
    }

    public ComposePlan plan() {
        return plan;
    }

    public ImageTarget target() {
        return target;
    }

    public String architecture() {
        return target.architecture();
    }

    public List<ArtifactRef> builtPackages() {
        return builtPackages;
    }

    public List<String> rebuiltSources() {
        return rebuiltSources;
    }

    /** The plan's archive; only a publish that makes its root file system has one. */
    public URI archive() {
        return archive.orElseThrow(() -> new IllegalStateException("this publish was given its tree: it has no archive"));
    }

    public long sourceDateEpoch() {
        return sourceDateEpoch;
    }

    public Path workDir() {
        return workDir;
    }

    public Path tree() {
        return tree;
    }

    /** Records a phase's output; a second value for the same key replaces the first. */
    public <T> void put(Key<T> key, T value) {
        outputs.put(key, Objects.requireNonNull(value, key.name()));
    }

    /** An earlier phase's output, if it made one. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Key<T> key) {
        return Optional.ofNullable((T) outputs.get(key));
    }

    /**
     * An earlier phase's output that the caller cannot do without.
     *
     * @throws IllegalStateException when no earlier phase made it: the phase list is in the wrong order
     */
    public <T> T get(Key<T> key) {
        return find(key).orElseThrow(() -> new IllegalStateException("no earlier phase made the " + key.name()
                + ": the phases are not in an order that works"));
    }

    /** Notes that a phase of {@code stage} ran (once per stage, in order). */
    public void ran(Stage stage) {
        if (!stages.contains(stage)) {
            stages.add(stage);
        }
    }

    /** The stages that ran, in order. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }
}
