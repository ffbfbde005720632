package org.debian.bootc.planner.buildorder;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rebuild set's build-deps form one or more cycles, so no order exists. Each
 * {@link Cycle} is one strongly connected component of the build graph, written as a closed
 * walk that visits every build in it; the message has one line per cycle:
 * {@code build-dep cycle: a (amd64) → b via libb-dev; b (amd64) → a via liba-dev}.
 */
public final class BuildCycleException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<Cycle> cycles;

    BuildCycleException(List<Cycle> cycles) {
        super(cycles.stream().map(Cycle::toString).collect(Collectors.joining("\n")));
        this.cycles = List.copyOf(cycles);
    }

    /** Every cycle, ordered by its first build (source name, then architecture). */
    public List<Cycle> cycles() {
        return cycles;
    }

    /**
     * One build waiting for another.
     *
     * @param source the waiting source
     * @param architecture its build's architecture, {@code all} for an {@code -A} build
     * @param dependsOn the source it waits for
     * @param dependsOnArchitecture that build's architecture, {@code all} for an {@code -A} build
     * @param binary the binary of {@code dependsOn} that {@code source} build-depends on
     * @param alternatives the whole relation when the binary is one of several alternatives, else null
     */
    public record Edge(String source, String architecture, String dependsOn, String dependsOnArchitecture,
            String binary, String alternatives) {

        @Override
        public String toString() {
            return source + " (" + architecture + ") → " + dependsOn + " via " + binary
                    + (alternatives == null ? "" : " (in '" + alternatives + "')");
        }
    }

    /** A closed walk through every build of one cycle; its last edge closes it. */
    public record Cycle(List<Edge> edges) {

        public Cycle {
            edges = List.copyOf(edges);
        }

        /** The source packages in the cycle, in walk order. */
        public List<String> sources() {
            LinkedHashSet<String> sources = new LinkedHashSet<>();
            edges.forEach(edge -> sources.add(edge.source()));
            return List.copyOf(sources);
        }

        /** The edge back to the first build. */
        public Edge closingEdge() {
            return edges.get(edges.size() - 1);
        }

        @Override
        public String toString() {
            return "build-dep cycle: " + edges.stream().map(Edge::toString).collect(Collectors.joining("; "));
        }
    }
}
