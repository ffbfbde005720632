package org.debian.bootc.planner.buildorder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Builds as nodes {@code 0..n-1}, an edge {@code u → v} when u waits for v. Node numbers are
 * the tie-break order, so every answer here is deterministic. Both algorithms are iterative:
 * a long dependency chain must not overflow the thread's stack.
 */
final class TaskGraph {

    private final int[][] waits;

    /** {@code waits[u]}: the nodes u waits for, without duplicates or u itself. */
    TaskGraph(int[][] waits) {
        this.waits = waits;
    }

    int size() {
        return waits.length;
    }

    int[] waitsOf(int node) {
        return waits[node];
    }

    /**
     * Tarjan's algorithm: the strongly connected components with more than one node (there are
     * no self-edges), each sorted, the list sorted by first node.
     */
    List<int[]> cycles() {
        int n = waits.length;
        int[] index = new int[n];
        int[] low = new int[n];
        int[] nextEdge = new int[n];
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int[] call = new int[n];
        Arrays.fill(index, -1);
        int counter = 0;
        int sp = 0;
        List<int[]> components = new ArrayList<>();
        for (int root = 0; root < n; root++) {
            if (index[root] != -1) {
                continue;
            }
            int depth = 0;
            call[0] = root;
            index[root] = low[root] = counter++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = call[depth];
                if (nextEdge[v] < waits[v].length) {
                    int w = waits[v][nextEdge[v]++];
                    if (index[w] == -1) {
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        call[++depth] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                if (low[v] == index[v]) {
                    int start = sp;
                    do {
                        start--;
                        onStack[stack[start]] = false;
                    } while (stack[start] != v);
                    if (sp - start > 1) {
                        int[] component = Arrays.copyOfRange(stack, start, sp);
                        Arrays.sort(component);
                        components.add(component);
                    }
                    sp = start;
                }
                depth--;
                if (depth >= 0) {
                    int parent = call[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
        components.sort((a, b) -> Integer.compare(a[0], b[0]));
        return components;
    }

    /**
     * Kahn's algorithm, taking the lowest-numbered ready node each time: the one topological
     * order that is lexicographically least. Only for an acyclic graph.
     */
    int[] topologicalOrder() {
        int n = waits.length;
        int[] pending = new int[n];
        int[] dependentCount = new int[n];
        for (int u = 0; u < n; u++) {
            pending[u] = waits[u].length;
            for (int v : waits[u]) {
                dependentCount[v]++;
            }
        }
        int[][] dependents = new int[n][];
        for (int v = 0; v < n; v++) {
            dependents[v] = new int[dependentCount[v]];
        }
        int[] filled = new int[n];
        for (int u = 0; u < n; u++) {
            for (int v : waits[u]) {
                dependents[v][filled[v]++] = u;
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int u = 0; u < n; u++) {
            if (pending[u] == 0) {
                ready.add(u);
            }
        }
        int[] order = new int[n];
        int count = 0;
        while (!ready.isEmpty()) {
            int v = ready.poll();
            order[count++] = v;
            for (int u : dependents[v]) {
                if (--pending[u] == 0) {
                    ready.add(u);
                }
            }
        }
        if (count != n) {
            throw new IllegalStateException("topologicalOrder on a graph with a cycle");
        }
        return order;
    }

    /**
     * A closed walk from the component's first node through every node of {@code component}
     * and back, made of shortest paths inside it, as a list of nodes whose last is the first.
     * For a simple cycle it is that cycle.
     */
    List<Integer> closedWalk(int[] component) {
        int[] previous = new int[waits.length];
        Arrays.fill(previous, OUTSIDE);
        for (int node : component) {
            previous[node] = UNSEEN;
        }
        boolean[] visited = new boolean[waits.length];
        List<Integer> walk = new ArrayList<>();
        int current = component[0];
        walk.add(current);
        visited[current] = true;
        for (int target : component) {
            if (visited[target]) {
                continue;
            }
            List<Integer> path = shortestPath(current, target, previous);
            for (int node : path.subList(1, path.size())) {
                walk.add(node);
                visited[node] = true;
            }
            current = target;
        }
        List<Integer> back = shortestPath(current, component[0], previous);
        walk.addAll(back.subList(1, back.size()));
        return walk;
    }

    private static final int OUTSIDE = -2;
    private static final int UNSEEN = -1;

    /**
     * Breadth-first inside one strongly connected component, from != to. {@code previous} is
     * {@link #OUTSIDE} for nodes outside it and {@link #UNSEEN} for the others, and is left so,
     * so that a walk through a large component costs what its paths cost, not nodes × paths.
     */
    private List<Integer> shortestPath(int from, int to, int[] previous) {
        List<Integer> touched = new ArrayList<>();
        previous[from] = from;
        touched.add(from);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
        while (previous[to] == UNSEEN) {
            int v = queue.remove();
            for (int w : waits[v]) {
                if (previous[w] == UNSEEN) {
                    previous[w] = v;
                    touched.add(w);
                    queue.add(w);
                }
            }
        }
        ArrayDeque<Integer> path = new ArrayDeque<>();
        for (int v = to; v != from; v = previous[v]) {
            path.addFirst(v);
        }
        path.addFirst(from);
        for (int node : touched) {
            previous[node] = UNSEEN;
        }
        return List.copyOf(path);
    }
}
