package org.debian.bootc.planner.buildorder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.debian.relation.Dependencies.Alternative;
import org.debian.bootc.debian.relation.Dependencies.Relation;

import org.debian.bootc.debian.relation.ArchitectureWildcard;
import org.debian.bootc.debian.relation.Dependencies;
import org.debian.bootc.debian.relation.DependencySyntaxException;

/**
 * The build-order phase: from the Sources stanzas of the rebuild set, which builds the compose
 * queues, what each waits for, and in which order. Pure: no I/O, no clock, no randomness; the
 * same inputs give the same plan, whatever the order of {@code rebuildSet}.
 *
 * <h2>Which builds</h2>
 * One build per source and architecture of the manifest that its {@code Architecture} field
 * matches ({@code any}, a wildcard such as {@code linux-any}, or the name): {@code -B}
 * ({@link BuildType#ANY}). The {@code Architecture: all} part is built once, together with one
 * arch-dependent build, as an amd64 {@code dpkg-buildpackage -b} (or sbuild's default amd64 build)
 * does, which saves a chroot: it goes with the source's build on the first manifest architecture
 * on which the source builds arch-dependent packages, which becomes {@link BuildType#BINARY}
 * (so list amd64 first to get Debian's usual placement); a source with no
 * arch-dependent build in the manifest (an {@code all}-only source, or {@code amd64 all} planned
 * for arm64 alone) gets one {@link BuildType#ALL} ({@code -A}) build on the first manifest
 * architecture. A source that matches none of the architectures is an error.
 *
 * <h2>What a build waits for</h2>
 * Its build-deps are Build-Depends plus Build-Depends-Arch for {@code -B}, plus
 * Build-Depends-Indep for {@code -A}, plus both for {@code -b}, reduced for the build's
 * architecture and the active profiles. For each alternative naming a binary that another
 * source of the rebuild set lists in its {@code Binary} field, the build waits for:
 * <ul>
 * <li>that source's build on the same architecture (or on the architecture named by an
 *     explicit {@code :arch} qualifier; {@code :any} and {@code :native} are the build's own,
 *     since builds are native), if it has one, and</li>
 * <li>that source's build that carries its arch-all part, if it has one.</li>
 * </ul>
 * Sources' {@code Binary} field does not say which binaries are arch-all, so for a source with
 * both parts a consumer on another architecture waits for both of its builds: sometimes one
 * wait too many, never one too few.
 *
 * <p><b>Alternatives:</b> every alternative that applies to the build and names a rebuild-set
 * binary adds its wait, not only the first. The planner cannot know which alternative apt will
 * install (that depends on what the archive holds for that architecture), and waiting for a
 * build that turns out not to be needed costs time, while not waiting for one that is needed
 * builds against the old package. Debian's buildds install only the first alternative; a cycle
 * that exists only through a later alternative is therefore still reported, with the edge marked
 * as an alternative so the reader can see it.
 *
 * <p><b>Self-dependencies</b> are ignored: a source that build-depends on its own binaries
 * (compilers, bootstrapped toolchains) takes them from the archive, and its builds on different
 * architectures never wait for one another.
 *
 * <p><b>Versions</b> are parsed but do not decide waits: Sources does not carry the binaries'
 * versions (binNMUs, binaries versioned apart from their source), and a rebuilt binary is taken
 * to be the one the build wants.
 *
 * <h2>Ids, keys, order</h2>
 * Task ids are {@code <composeId>:<source>:<architecture>} (the event contract's ids allow no
 * '/'; none of the three parts can contain ':'). Content keys are {@link ContentKey}s. Cycles are
 * found with Tarjan's algorithm and all reported in one {@link BuildCycleException}; otherwise the
 * builds come in Kahn order, ties broken by source name, then by the architecture's position in
 * the manifest.
 */
public final class BuildOrder {

    private BuildOrder() {
    }

    /**
     * Plans the builds of {@code rebuildSet}.
     *
     * @param rebuildSet the Sources stanzas of the packages to build from source; names unique
     * @param architectures the manifest's architectures, in its order; the first takes the arch-all builds
     * @param profiles the active build profiles ({@code DEB_BUILD_PROFILES}), possibly empty
     * @param inReleaseSha256 sha256 of the suite's InRelease the Sources came from
     * @param composeId the compose
     * @param suite the suite whose archive satisfies the build-deps
     * @throws DependencySyntaxException if a Build-Depends field does not parse (source, field, offset)
     * @throws BuildCycleException if the build-deps form cycles (every cycle, every package in it)
     * @throws IllegalArgumentException on any other bad input (duplicate source, binary built by two
     *         sources, a source that builds on none of the architectures, bad architecture, profile or hash)
     */
    public static BuildPlan plan(List<SourceRecord> rebuildSet, List<String> architectures, Set<String> profiles,
            String inReleaseSha256, ComposeId composeId, String suite) {
        Objects.requireNonNull(rebuildSet, "rebuildSet is required");
        Objects.requireNonNull(composeId, "composeId is required");
        if (suite == null || suite.isBlank()) {
            throw new IllegalArgumentException("suite is required");
        }
        ContentKey.requireSha256("inReleaseSha256", inReleaseSha256);
        Map<String, Integer> archIndex = architectureIndex(architectures);
        Set<String> activeProfiles = Set.copyOf(Objects.requireNonNull(profiles, "profiles is required"));
        activeProfiles.forEach(Dependencies::requireProfileName);

        List<SourceBuilds> sources = sourceBuilds(rebuildSet);
        Map<String, String> binaryToSource = SourceRecord.binaryToSource(rebuildSet);
        List<Task> tasks = tasks(sources, architectures);
        Map<String, SourceBuilds> byName = new HashMap<>(sources.size() * 2);
        sources.forEach(source -> byName.put(source.record.name(), source));

        List<Map<Integer, Edge>> edges = new ArrayList<>(tasks.size());
        for (Task task : tasks) {
            edges.add(waitsOf(task, activeProfiles, binaryToSource, byName, archIndex));
        }
        int[][] adjacency = new int[tasks.size()][];
        for (int u = 0; u < tasks.size(); u++) {
            adjacency[u] = edges.get(u).keySet().stream().mapToInt(Integer::intValue).toArray();
        }
        TaskGraph graph = new TaskGraph(adjacency);
        List<int[]> cycles = graph.cycles();
        if (!cycles.isEmpty()) {
            throw new BuildCycleException(cycles.stream().map(c -> cycle(graph, c, tasks, edges)).toList());
        }

        List<String> sortedProfiles = activeProfiles.stream().sorted().toList();
        String[] keys = new String[tasks.size()];
        TaskId[] ids = new TaskId[tasks.size()];
        for (Task task : tasks) {
            ids[task.index] = new TaskId(composeId.value() + ":" + task.source.record.name() + ":" + task.architecture);
        }
        List<PlannedBuild> builds = new ArrayList<>(tasks.size());
        for (int u : graph.topologicalOrder()) {
            Task task = tasks.get(u);
            List<String> waitedKeys = new ArrayList<>(adjacency[u].length);
            List<PlannedBuild.Wait> waits = new ArrayList<>(adjacency[u].length);
            for (Map.Entry<Integer, Edge> wait : edges.get(u).entrySet()) {
                waitedKeys.add(keys[wait.getKey()]);
                waits.add(new PlannedBuild.Wait(ids[wait.getKey()], wait.getValue().binary));
            }
            waits.sort(Comparator.comparing(wait -> wait.taskId().value()));
            keys[u] = ContentKey.of(task.source.record.files(), inReleaseSha256, task.architecture, task.type,
                    sortedProfiles, waitedKeys);
            builds.add(new PlannedBuild(ids[u], task.source.sourcePackage, task.architecture, task.type, waits,
                    keys[u]));
        }
        return new BuildPlan(composeId, suite, architectures, sortedProfiles, inReleaseSha256, builds);
    }

    private static Map<String, Integer> architectureIndex(List<String> architectures) {
        Objects.requireNonNull(architectures, "architectures is required");
        if (architectures.isEmpty()) {
            throw new IllegalArgumentException("architectures must not be empty");
        }
        Map<String, Integer> index = new HashMap<>();
        for (String architecture : architectures) {
            if (architecture == null || !ArchitectureWildcard.NAME.matcher(architecture).matches()
                    || architecture.equals("all") || architecture.equals("any") || architecture.endsWith("-any")
                    || architecture.startsWith("any-")) {
                throw new IllegalArgumentException("architecture '" + architecture
                        + "' is not a concrete Debian architecture name");
            }
            if (index.putIfAbsent(architecture, index.size()) != null) {
                throw new IllegalArgumentException("architecture " + architecture + " is listed twice");
            }
        }
        return index;
    }

    /** Sorted by name; each field parsed once. */
    private static List<SourceBuilds> sourceBuilds(List<SourceRecord> rebuildSet) {
        List<SourceRecord> sorted = new ArrayList<>(rebuildSet);
        sorted.forEach(record -> Objects.requireNonNull(record, "rebuildSet contains null"));
        sorted.sort(Comparator.comparing(SourceRecord::name));
        List<SourceBuilds> sources = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            SourceRecord record = sorted.get(i);
            if (i > 0 && sorted.get(i - 1).name().equals(record.name())) {
                throw new IllegalArgumentException("source " + record.name() + " is in the rebuild set twice (versions "
                        + sorted.get(i - 1).version() + " and " + record.version() + ")");
            }
            try {
                sources.add(new SourceBuilds(record,
                        Dependencies.parse("Build-Depends", record.buildDepends()),
                        Dependencies.parse("Build-Depends-Arch", record.buildDependsArch()),
                        Dependencies.parse("Build-Depends-Indep", record.buildDependsIndep())));
            } catch (DependencySyntaxException e) {
                throw e.inSource(record.name());
            }
        }
        return sources;
    }

    /** Numbered in source-name order, then manifest architecture order: the tie-break order. */
    private static List<Task> tasks(List<SourceBuilds> sources, List<String> architectures) {
        List<Task> tasks = new ArrayList<>(sources.size() * architectures.size());
        List<String> buildsNowhere = new ArrayList<>();
        for (SourceBuilds source : sources) {
            int before = tasks.size();
            source.dependentTask = new int[architectures.size()];
            Arrays.fill(source.dependentTask, -1);
            boolean independent = source.record.buildsIndependent();
            for (int a = 0; a < architectures.size(); a++) {
                String architecture = architectures.get(a);
                if (source.record.buildsDependentOn(architecture)) {
                    BuildType type = independent && source.independentTask < 0 ? BuildType.BINARY : BuildType.ANY;
                    Task task = new Task(tasks.size(), source, architecture, type);
                    tasks.add(task);
                    source.dependentTask[a] = task.index;
                    if (type == BuildType.BINARY) {
                        source.independentTask = task.index;
                    }
                }
            }
            if (independent && source.independentTask < 0) {
                Task task = new Task(tasks.size(), source, architectures.get(0), BuildType.ALL);
                tasks.add(task);
                source.independentTask = task.index;
            }
            if (tasks.size() == before) {
                buildsNowhere.add(source.record.name() + " (Architecture: " + source.record.architecture() + ")");
            }
        }
        if (!buildsNowhere.isEmpty()) {
            throw new IllegalArgumentException("these sources build on none of the architectures "
                    + String.join(", ", architectures) + ": " + String.join(", ", buildsNowhere));
        }
        return tasks;
    }

    /**
     * Target node → the first edge found to it in field order, except that an edge from a plain
     * relation wins over one from an alternative; no edges between builds of the same source.
     */
    private static Map<Integer, Edge> waitsOf(Task task, Set<String> profiles, Map<String, String> binaryToSource,
            Map<String, SourceBuilds> byName, Map<String, Integer> archIndex) {
        Map<Integer, Edge> waits = new LinkedHashMap<>();
        SourceBuilds self = task.source;
        List<Dependencies> fields = new ArrayList<>(3);
        fields.add(self.depends);
        if (task.type != BuildType.ALL) {
            fields.add(self.dependsArch);
        }
        if (task.type != BuildType.ANY) {
            fields.add(self.dependsIndep);
        }
        for (Dependencies field : fields) {
            for (Relation relation : field.forBuild(task.architecture, profiles)) {
                for (Alternative alternative : relation.alternatives()) {
                    String producerName = binaryToSource.get(alternative.name());
                    if (producerName == null || producerName.equals(self.record.name())) {
                        continue;
                    }
                    SourceBuilds producer = byName.get(producerName);
                    String qualifier = alternative.architectureQualifier();
                    String target = qualifier == null || qualifier.equals("any") || qualifier.equals("native")
                            ? task.architecture : qualifier;
                    Integer a = archIndex.get(target);
                    Edge edge = new Edge(alternative.name(), relation.alternatives().size() > 1 ? relation : null);
                    if (a != null && producer.dependentTask[a] >= 0) {
                        waits.merge(producer.dependentTask[a], edge, Edge::stronger);
                    }
                    if (producer.independentTask >= 0) {
                        waits.merge(producer.independentTask, edge, Edge::stronger);
                    }
                }
            }
        }
        return waits;
    }

    private static BuildCycleException.Cycle cycle(TaskGraph graph, int[] component, List<Task> tasks,
            List<Map<Integer, Edge>> edges) {
        List<Integer> walk = graph.closedWalk(component);
        List<BuildCycleException.Edge> steps = new ArrayList<>(walk.size() - 1);
        for (int i = 0; i + 1 < walk.size(); i++) {
            Task from = tasks.get(walk.get(i));
            Task to = tasks.get(walk.get(i + 1));
            Edge edge = edges.get(from.index).get(to.index);
            steps.add(new BuildCycleException.Edge(from.source.record.name(), from.label(),
                    to.source.record.name(), to.label(), edge.binary,
                    edge.alternatives == null ? null : edge.alternatives.toString()));
        }
        return new BuildCycleException.Cycle(steps);
    }

    /** A source of the rebuild set with its parsed fields and the nodes of its builds. */
    private static final class SourceBuilds {
        final SourceRecord record;
        final SourcePackage sourcePackage;
        final Dependencies depends;
        final Dependencies dependsArch;
        final Dependencies dependsIndep;
        /** Per manifest architecture: the node of its -B/-b build there, or -1. */
        int[] dependentTask;
        /** The node whose build includes the arch-all part, or -1. */
        int independentTask = -1;

        SourceBuilds(SourceRecord record, Dependencies depends, Dependencies dependsArch, Dependencies dependsIndep) {
            this.record = record;
            this.sourcePackage = record.toSourcePackage();
            this.depends = depends;
            this.dependsArch = dependsArch;
            this.dependsIndep = dependsIndep;
        }
    }

    private record Task(int index, SourceBuilds source, String architecture, BuildType type) {

        String label() {
            return type == BuildType.ALL ? "all" : architecture;
        }
    }

    /** @param alternatives the relation, when the binary was one of several alternatives; else null */
    private record Edge(String binary, Relation alternatives) {

        /** The edge to report: a plain build-dep rather than one alternative of several. */
        static Edge stronger(Edge first, Edge later) {
            return first.alternatives != null && later.alternatives == null ? later : first;
        }
    }
}
