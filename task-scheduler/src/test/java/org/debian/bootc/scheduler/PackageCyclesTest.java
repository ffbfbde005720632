package org.debian.bootc.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The scheduler's role packages ({@code rest/ service/ messaging/ repository/ config/})
 * depend on each other one way only: a cycle means two roles can no longer be read,
 * tested or moved apart. Read from the sources' references to each other's packages.
 */
class PackageCyclesTest {

    private static final Path MAIN = Path.of("src/main/java/org/debian/bootc/scheduler");
    private static final Pattern REFERENCE = Pattern.compile("org\\.debian\\.bootc\\.scheduler\\.([a-z]+)\\.([A-Z]\\w*)");

    @Test
    void theRolePackagesDependOnEachOtherWithoutACycle() throws IOException {
        assertEquals(Optional.empty(), cycle(graph()), "a cycle between the scheduler's packages");
    }

    @Test
    void aCycleBetweenTwoPackagesIsFound() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("rest", new TreeSet<>(Set.of("service")));
        graph.put("service", new TreeSet<>(Set.of("repository", "rest")));
        graph.put("repository", new TreeSet<>());
        assertEquals(Optional.of(List.of("rest", "service", "rest")), cycle(graph));
        graph.get("service").remove("rest");
        assertEquals(Optional.empty(), cycle(graph));
    }

    /** Package → the packages of this module it refers to. */
    private static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> packages = Files.list(MAIN)) {
            for (Path dir : packages.filter(Files::isDirectory).toList()) {
                String from = dir.getFileName().toString();
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                try (Stream<Path> sources = Files.walk(dir)) {
                    for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                        Matcher m = REFERENCE.matcher(Files.readString(source));
                        while (m.find()) {
                            if (!m.group(1).equals(from)) {
                                to.add(m.group(1));
                            }
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** One cycle of the graph, as the path that closes it, if there is one. */
    static Optional<List<String>> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            Optional<List<String>> found = visit(graph, start, new ArrayDeque<>(), done);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(Map<String, Set<String>> graph, String node, Deque<String> path,
            Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : path) {
                in |= p.equals(node);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(node);
            return Optional.of(cycle);
        }
        if (done.contains(node)) {
            return Optional.empty();
        }
        path.addLast(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            Optional<List<String>> found = visit(graph, next, path, done);
            if (found.isPresent()) {
                return found;
            }
        }
        path.removeLast();
        done.add(node);
        return Optional.empty();
    }
}
