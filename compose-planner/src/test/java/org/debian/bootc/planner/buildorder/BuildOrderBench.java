package org.debian.bootc.planner.buildorder;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.TaskId;

import org.debian.bootc.debian.relation.Dependencies;

/**
 * How long {@link BuildOrder#plan} takes for a 1,000-source rebuild set planned for amd64 and
 * arm64, with the share spent parsing Build-Depends, and against a naive all-pairs edge scan.
 * Not a test: run its {@code main} (see docs/benchmarks.md). Arguments: {@code [sources [rounds]]},
 * default 1000 and 21; the naive scan is left out above 2,000 sources.
 *
 * <p>The synthetic Sources set is fixed by a seed. Source {@code i} may build-depend only on
 * sources before it, picked as {@code floor(i * u^3)} for uniform {@code u}, so the first few
 * dozen (the "libc, zlib, glib" of the set) are build-deps of hundreds; 2 to 16 relations each,
 * about 40% versioned, 8% architecture-restricted, 15% with a build profile, 10% with an
 * alternative, 5% with {@code :any} or {@code :native}, plus build-deps from outside the set.
 * About 15% of the sources are {@code Architecture: all}, a third of the others also build
 * arch-all packages ({@code any all}, with a Build-Depends-Indep), and a few build on a listed
 * set of architectures.
 */
public final class BuildOrderBench {

    private static final List<String> ARCHITECTURES = List.of("amd64", "arm64");
    private static final Set<String> PROFILES = Set.of("nocheck");
    private static final ComposeId COMPOSE = new ComposeId("bench-1-20250131.t.0");
    private static final String ARCHIVE = "http://archive.example/debian/";
    private static final String IN_RELEASE = "5e0f9dfbd6f1a3b4c2d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6";
    private static final String[] EXTERNAL = {"debhelper-compat (= 13)", "pkgconf", "cmake (>= 3.20)", "meson",
        "ninja-build", "python3-all:any", "dh-python", "libc6-dev", "gettext", "autoconf", "automake", "libtool",
        "texinfo <!nodoc>", "help2man", "bison", "flex", "perl:native", "xvfb <!nocheck>", "dh-sequence-gir"};

    private BuildOrderBench() {
    }

    public static void main(String[] args) {
        int sourceCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 21;
        List<SourceRecord> sources = sources(sourceCount, new Random(20250131L));

        // a planner plans once per compose, so the first call in a fresh JVM is the one users wait for
        long coldStart = System.nanoTime();
        BuildPlan plan = plan(sources);
        double coldMs = (System.nanoTime() - coldStart) / 1e6;
        describe(sources, plan);
        System.out.printf("first plan in this JVM (cold, interpreted code and class loading): %.0f ms%n", coldMs);
        boolean naive = sourceCount <= 2000;
        if (naive) {
            checkNaiveAgrees(sources, plan);
        }

        // warm up until the JIT has settled: at least 50 rounds and 5 seconds
        int warmup = 0;
        long warmupEnd = System.nanoTime() + 5_000_000_000L;
        while (warmup < 50 || System.nanoTime() < warmupEnd) {
            plan(sources);
            parseAll(sources);
            plan(sources).toEvents(ARCHIVE);
            warmup++;
        }
        List<String> names = new ArrayList<>(List.of(
                "`BuildOrder.plan` (parse, builds, waits, Tarjan, Kahn, content keys)",
                "parse only: Build-Depends, -Arch and -Indep of every source",
                "`plan` + `toEvents(archive)` (PackageBuildQueued records)"));
        List<Supplier<?>> work = new ArrayList<>(List.of(
                () -> plan(sources),
                () -> parseAll(sources),
                () -> plan(sources).toEvents(ARCHIVE)));
        if (naive) {
            for (int i = 0; i < 3; i++) {
                naiveWaits(sources, plan);
            }
            names.add("naive all-pairs edge scan, waits only (no order, no keys)");
            work.add(() -> naiveWaits(sources, plan));
        }
        // round robin, so that load from elsewhere on the machine falls on every row alike; the
        // thread's CPU time beside the wall time shows how much of the latter was waiting for a core
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] wall = new double[work.size()][runs];
        double[][] cpu = new double[work.size()][runs];
        for (int run = 0; run < runs; run++) {
            for (int w = 0; w < work.size(); w++) {
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                if (work.get(w).get() == null) {
                    throw new IllegalStateException();
                }
                wall[w][run] = (System.nanoTime() - start) / 1e6;
                cpu[w][run] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
            }
        }
        System.out.printf("%n%d measured rounds after %d warm-up rounds of the first three (at least 5 s)"
                + (naive ? " and 3 of the naive scan" : "") + "; load average %.2f%n%n", runs, warmup,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| what | median ms | min ms | max ms | median ms per source | median CPU ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        double[] medians = new double[work.size()];
        for (int w = 0; w < work.size(); w++) {
            double[] sorted = wall[w].clone();
            Arrays.sort(sorted);
            medians[w] = median(sorted);
            double[] cpuSorted = cpu[w].clone();
            Arrays.sort(cpuSorted);
            System.out.printf("| %s | %.1f | %.1f | %.1f | %.3f | %.1f |%n", names.get(w), medians[w], sorted[0],
                    sorted[runs - 1], medians[w] / sourceCount, median(cpuSorted));
        }
        System.out.printf("%nparse-only share of plan: %.0f%% (median against median)%n",
                100 * medians[1] / medians[0]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static BuildPlan plan(List<SourceRecord> sources) {
        return BuildOrder.plan(sources, ARCHITECTURES, PROFILES, IN_RELEASE, COMPOSE, "trixie");
    }

    private static int parseAll(List<SourceRecord> sources) {
        int relations = 0;
        for (SourceRecord source : sources) {
            relations += Dependencies.parse("Build-Depends", source.buildDepends()).relations().size();
            relations += Dependencies.parse("Build-Depends-Arch", source.buildDependsArch()).relations().size();
            relations += Dependencies.parse("Build-Depends-Indep", source.buildDependsIndep()).relations().size();
        }
        return relations;
    }

    // --- the synthetic Sources set ---------------------------------------------------------

    private static List<SourceRecord> sources(int count, Random random) {
        List<SourceRecord> sources = new ArrayList<>(count);
        List<List<String>> binariesOf = new ArrayList<>(count);
        List<Integer> indep = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double kind = random.nextDouble();
            String architecture;
            List<String> binaries = new ArrayList<>(4);
            String name;
            if (kind < 0.15) {
                name = (random.nextBoolean() ? "python-" : "fonts-") + word(random) + i;
                architecture = "all";
                binaries.add(name.startsWith("python-") ? "python3-" + name.substring(7) : name);
                if (random.nextDouble() < 0.3) {
                    binaries.add(name + "-doc");
                }
            } else {
                boolean library = kind < 0.75;
                name = (library ? "lib" : "") + word(random) + i;
                double archKind = random.nextDouble();
                architecture = archKind < 0.03 ? "amd64 arm64 i386" : archKind < 0.06 ? "linux-any"
                        : archKind < 0.07 ? "amd64" : "any";
                if (library) {
                    binaries.add(name + "1");
                    binaries.add(name + "-dev");
                } else {
                    binaries.add(name);
                }
                if (random.nextDouble() < 0.3) {
                    binaries.add(name + "-bin");
                }
                if (random.nextDouble() < 0.33) {
                    architecture = architecture + " all";
                    binaries.add(name + (random.nextBoolean() ? "-doc" : "-data"));
                }
            }
            int relations = 2 + (int) (14 * Math.pow(random.nextDouble(), 2));
            String buildDepends = buildDepends(i, random, binariesOf, relations);
            String buildDependsArch = !architecture.equals("all") && random.nextDouble() < 0.1
                    ? buildDepends(i, random, binariesOf, 1 + random.nextInt(3)) : null;
            String buildDependsIndep = architecture.endsWith("all") && !indep.isEmpty()
                    ? indepDepends(random, binariesOf, indep) : null;
            sources.add(stanza(name, binaries, architecture, buildDepends, buildDependsArch, buildDependsIndep,
                    random));
            binariesOf.add(binaries);
            if (architecture.equals("all")) {
                indep.add(i);
            }
        }
        return sources;
    }

    private static String buildDepends(int i, Random random, List<List<String>> binariesOf, int relations) {
        List<String> items = new ArrayList<>(relations + 2);
        items.add(EXTERNAL[0]);
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < relations; r++) {
            if (i == 0 || random.nextDouble() < 0.2) {
                items.add(EXTERNAL[1 + random.nextInt(EXTERNAL.length - 1)]);
                continue;
            }
            String binary = buildDepOn(earlier(i, random), random, binariesOf);
            if (!seen.add(binary)) {
                continue;
            }
            StringBuilder item = new StringBuilder(binary);
            double q = random.nextDouble();
            if (q < 0.03) {
                item.append(":any");
            } else if (q < 0.05) {
                item.append(":native");
            }
            if (random.nextDouble() < 0.4) {
                item.append(" (>= ").append(1 + random.nextInt(5)).append('.').append(random.nextInt(20)).append("~)");
            }
            double restriction = random.nextDouble();
            if (restriction < 0.03) {
                item.append(" [amd64]");
            } else if (restriction < 0.06) {
                item.append(" [!arm64]");
            } else if (restriction < 0.08) {
                item.append(" [linux-any]");
            }
            double profile = random.nextDouble();
            if (profile < 0.10) {
                item.append(" <!nocheck>");
            } else if (profile < 0.15) {
                item.append(" <!nodoc>");
            }
            if (random.nextDouble() < 0.10) {
                item.append(random.nextBoolean()
                        ? " | " + buildDepOn(earlier(i, random), random, binariesOf)
                        : " | " + EXTERNAL[1 + random.nextInt(EXTERNAL.length - 1)]);
            }
            items.add(item.toString());
        }
        return String.join(",\n ", items);
    }

    private static String indepDepends(Random random, List<List<String>> binariesOf, List<Integer> indep) {
        int count = 1 + random.nextInt(3);
        List<String> items = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int j = indep.get((int) (indep.size() * Math.pow(random.nextDouble(), 2)));
            items.add(binariesOf.get(j).get(0) + " <!nodoc>");
        }
        return String.join(", ", items);
    }

    /** A power law over the sources before {@code i}: low indices are the popular libraries. */
    private static int earlier(int i, Random random) {
        return (int) (i * Math.pow(random.nextDouble(), 3));
    }

    /** The -dev package of a library, else its first binary. */
    private static String buildDepOn(int j, Random random, List<List<String>> binariesOf) {
        List<String> binaries = binariesOf.get(j);
        for (String binary : binaries) {
            if (binary.endsWith("-dev")) {
                return binary;
            }
        }
        return binaries.get(random.nextInt(binaries.size()));
    }

    private static String word(Random random) {
        String[] syllables = {"gl", "ib", "xm", "ss", "ze", "ta", "cu", "rl", "po", "pp", "ler", "ka", "gtk", "qt",
            "ar", "ch", "iv", "ed", "it", "or"};
        return syllables[random.nextInt(syllables.length)] + syllables[random.nextInt(syllables.length)];
    }

    private static SourceRecord stanza(String name, List<String> binaries, String architecture, String buildDepends,
            String buildDependsArch, String buildDependsIndep, Random random) {
        String version = (1 + random.nextInt(9)) + "." + random.nextInt(30) + "-" + (1 + random.nextInt(4));
        String upstream = version.substring(0, version.indexOf('-'));
        List<SourceFile> files = List.of(
                file(name + "_" + version + ".dsc", random),
                file(name + "_" + upstream + ".orig.tar.xz", random),
                file(name + "_" + version + ".debian.tar.xz", random));
        return new SourceRecord(name, version, binaries, architecture, buildDepends, buildDependsArch,
                buildDependsIndep, files, files.get(0).name());
    }

    private static SourceFile file(String name, Random random) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        return new SourceFile(name, java.util.HexFormat.of().formatHex(digest), 1000 + random.nextInt(1 << 20),
                "http://mirror.invalid/debian/pool/main/" + name);
    }

    // --- what the set looks like, and the naive comparison --------------------------------

    private static void describe(List<SourceRecord> sources, BuildPlan plan) {
        long relations = parseAll(sources);
        Map<TaskId, Integer> dependents = new HashMap<>();
        Map<TaskId, Integer> depth = new HashMap<>();
        Map<TaskId, PlannedBuild> byId = new HashMap<>();
        plan.builds().forEach(build -> byId.put(build.taskId(), build));
        int crossArchitecture = 0;
        int edges = 0;
        int maxWaits = 0;
        int maxDepth = 0;
        for (PlannedBuild build : plan.builds()) {
            edges += build.waits().size();
            maxWaits = Math.max(maxWaits, build.waits().size());
            int d = 1;
            for (TaskId waited : build.waitsFor()) {
                PlannedBuild other = byId.get(waited);
                if (other.buildType() == BuildType.BINARY && !other.architecture().equals(build.architecture())) {
                    crossArchitecture++;
                }
                dependents.merge(waited, 1, Integer::sum);
                d = Math.max(d, depth.get(waited) + 1);
            }
            depth.put(build.taskId(), d);
            maxDepth = Math.max(maxDepth, d);
        }
        int[] counts = dependents.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        long over100 = Arrays.stream(counts).filter(c -> c >= 100).count();
        Map<BuildType, Long> types = new HashMap<>();
        plan.builds().forEach(build -> types.merge(build.buildType(), 1L, Long::sum));
        System.out.printf("sources %d (all-only %d, any+all %d), relations %d, builds %d (ANY %d, BINARY %d, ALL %d)%n",
                sources.size(),
                sources.stream().filter(s -> s.architecture().equals("all")).count(),
                sources.stream().filter(s -> s.architecture().endsWith(" all")).count(),
                relations, plan.builds().size(), types.getOrDefault(BuildType.ANY, 0L),
                types.getOrDefault(BuildType.BINARY, 0L), types.getOrDefault(BuildType.ALL, 0L));
        System.out.printf("waits %d, most waits of one build %d, longest chain %d builds, "
                + "most-waited-for build has %d dependents, %d builds have >= 100%n",
                edges, maxWaits, maxDepth, counts.length == 0 ? 0 : counts[counts.length - 1], over100);
        System.out.printf("waits for a -b build on another architecture (Binary does not say which packages "
                + "are arch-all): %d%n", crossArchitecture);
    }

    /**
     * The O(builds² × build-deps × binaries) way: for every pair of builds, scan the producer's
     * Binary list for each build-dep of the consumer. Each consumer's fields are parsed and
     * reduced once, before its scan; the builds are the plan's, so only finding the edges is
     * compared.
     */
    private static List<String> naiveWaits(List<SourceRecord> sources, BuildPlan plan) {
        Map<String, SourceRecord> byName = new HashMap<>();
        for (SourceRecord source : sources) {
            byName.put(source.name(), source);
        }
        List<String> waits = new ArrayList<>();
        List<PlannedBuild> builds = plan.builds();
        for (PlannedBuild consumer : builds) {
            SourceRecord own = byName.get(consumer.source().name());
            List<Dependencies> used = new ArrayList<>(3);
            used.add(Dependencies.parse("Build-Depends", own.buildDepends()));
            if (consumer.buildType() != BuildType.ALL) {
                used.add(Dependencies.parse("Build-Depends-Arch", own.buildDependsArch()));
            }
            if (consumer.buildType() != BuildType.ANY) {
                used.add(Dependencies.parse("Build-Depends-Indep", own.buildDependsIndep()));
            }
            List<String[]> wanted = new ArrayList<>();
            for (Dependencies field : used) {
                for (Dependencies.Relation relation : field.forBuild(consumer.architecture(), PROFILES)) {
                    for (Dependencies.Alternative alternative : relation.alternatives()) {
                        String qualifier = alternative.architectureQualifier();
                        String target = qualifier == null || qualifier.equals("any") || qualifier.equals("native")
                                ? consumer.architecture() : qualifier;
                        wanted.add(new String[] {alternative.name(), target});
                    }
                }
            }
            for (PlannedBuild producer : builds) {
                if (producer.source().name().equals(consumer.source().name())) {
                    continue;
                }
                SourceRecord producerSource = byName.get(producer.source().name());
                boolean carriesAll = producer.buildType() != BuildType.ANY && producerSource.buildsIndependent();
                boolean dependent = producer.buildType() != BuildType.ALL;
                for (String[] want : wanted) {
                    if ((carriesAll || dependent && producer.architecture().equals(want[1]))
                            && producerSource.binaries().contains(want[0])) {
                        waits.add(consumer.taskId() + " -> " + producer.taskId());
                        break;
                    }
                }
            }
        }
        return waits;
    }

    private static void checkNaiveAgrees(List<SourceRecord> sources, BuildPlan plan) {
        Set<String> planned = new HashSet<>();
        plan.builds().forEach(build -> build.waitsFor().forEach(id -> planned.add(build.taskId() + " -> " + id)));
        Set<String> naive = new HashSet<>(naiveWaits(sources, plan));
        if (!planned.equals(naive)) {
            throw new IllegalStateException("the naive scan found " + naive.size() + " waits, the plan "
                    + planned.size());
        }
        System.out.printf("the naive scan finds the same %d waits%n", naive.size());
    }
}
