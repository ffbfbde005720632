package org.debian.bootc.executor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.BuildResult;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.executor.buildroot.BaseChrootCache;
import org.debian.bootc.executor.buildroot.BaseKey;
import org.debian.bootc.executor.service.BuildOutcome;
import org.debian.bootc.executor.service.BuildRequest;
import org.debian.bootc.executor.service.TestSources;
import org.debian.bootc.executor.service.TestWorkspace;
import org.debian.bootc.executor.service.Workspace;
import org.debian.bootc.debian.http.Fetcher;

/**
 * The executor's benchmarks (docs/benchmarks.md), side by side in one run:
 * <ol>
 * <li>task received → chroot ready with a warm cache, against untarring the same
 * base (as sbuild's tarball chroots and mock's root_cache do);</li>
 * <li>Debian's hello from task to package-built with warm caches, against
 * {@code sbuild --chroot-mode=unshare} on the same .dsc (skipped when
 * {@code ~/.cache/sbuild/<suite>-amd64.tar} does not exist).</li>
 * </ol>
 * Arguments: runs (default 5), then {@code ready}, {@code hello} or both.
 */
public final class ExecutorBench {

    private static final ProcessRunner RUNNER = new ProcessRunner();

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<String> what = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("ready", "hello");
        String suite = TestSources.hostSuite();
        Path scratch = Files.createTempDirectory("executor-bench");
        Workspace workspace = TestWorkspace.create("bench", Duration.ofHours(1));
        workspace.removeLeftovers();
        BaseKey key = workspace.pipeline().baseKey(suite, Optional.empty(), Optional.empty());
        Path base;
        try (BaseChrootCache.Lease lease = workspace.bases().acquire(key, LogSink.NONE)) {
            base = lease.root();
        }
        System.out.printf("suite %s, base %s, %d runs, %d cores, load %s%n", suite, key.id(), runs,
                Runtime.getRuntime().availableProcessors(), Files.readString(Path.of("/proc/loadavg")).strip());
        if (what.contains("ready")) {
            ready(workspace, suite, base, scratch, runs);
        }
        if (what.contains("hello")) {
            hello(workspace, suite, scratch, runs);
        }
        System.exit(0);
    }

    private static void ready(Workspace workspace, String suite, Path base, Path scratch, int runs) throws IOException {
        SourcePackage trivial = TestSources.nativePackage(scratch, "bootc-bench-ready", "", List.of("true"));
        List<Long> ours = new ArrayList<>();
        List<Long> buildroot = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
            // a compose of its own each time: no compose repository to index (see docs/benchmarks.md)
            BuildRequest request = TestWorkspace.request(trivial, suite, "bench" + System.nanoTime());
            long started = System.nanoTime();
            AtomicLong ready = new AtomicLong();
            BuildOutcome outcome = workspace.pipeline().run(request, TestWorkspace.running(request, Duration.ofHours(1)),
                    info -> ready.set(System.nanoTime()));
            check(outcome);
            if (i > 0) { // the first run warms the page cache and the JIT
                ours.add((ready.get() - started) / 1_000_000);
                buildroot.add(stageMillis(outcome, "buildroot"));
            }
        }
        Path tarball = scratch.resolve("base.tar");
        RUNNER.run(Command.of("tar", "-C", base.toString(), "--numeric-owner", "--xattrs", "-cf", tarball.toString(), ".")
                .withTimeout(Duration.ofMinutes(10)), LogSink.NONE);
        List<Long> untar = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
            Path target = scratch.resolve("untar-" + i);
            Files.createDirectories(target);
            long started = System.nanoTime();
            RUNNER.run(Command.of("tar", "-C", target.toString(), "--numeric-owner", "--xattrs", "-xf",
                    tarball.toString()).withTimeout(Duration.ofMinutes(10)), LogSink.NONE);
            if (i > 0) {
                untar.add((System.nanoTime() - started) / 1_000_000);
            }
            RUNNER.run(Command.of("rm", "-rf", target.toString()), LogSink.NONE);
        }
        report("task received -> chroot-ready (overlay buildroot, warm base, no build-deps to install)", ours);
        report("of which the buildroot stage (overlay mount, namespaces, /dev, /proc, binds)", buildroot);
        report("untar the same base (" + Files.size(tarball) / (1024 * 1024) + " MiB tar, page cache warm)", untar);
        System.out.printf("ratio untar/ours: %.1f%n", (double) median(untar) / median(ours));
        Files.delete(tarball);
    }

    private static void hello(Workspace workspace, String suite, Path scratch, int runs) throws IOException {
        SourcePackage hello = TestSources.fromArchive(TestSources.hostArchive(suite), suite, "hello",
                scratch.resolve("sources"));
        List<Long> ours = new ArrayList<>();
        List<Long> deps = new ArrayList<>();
        List<Long> build = new ArrayList<>();
        long first = 0;
        for (int i = 0; i < runs + 1; i++) {
            BuildRequest request = TestWorkspace.request(hello, suite, "bench" + System.nanoTime());
            long started = System.nanoTime();
            BuildOutcome outcome = workspace.pipeline().run(request, TestWorkspace.running(request,
                    Duration.ofHours(1)), r -> {
                    });
            check(outcome);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (i == 0) { // the first run fills the apt cache and, if none is there yet, makes the build-deps layer
                first = millis;
                String log = Files.readString(Path.of(java.net.URI.create(outcome.logLocation().orElseThrow())));
                System.out.printf("first run: %d ms (%s)%n", millis, log.contains("made from this build's install")
                        ? "installed the build-deps and made their layer" : "its build-deps layer was there already");
            } else {
                ours.add(millis);
                deps.add(stageMillis(outcome, "build-deps"));
                build.add(stageMillis(outcome, "build"));
            }
        }
        report("hello " + hello.version() + ": task received -> package-built (executor, warm caches)", ours);
        report("of which the build-deps stage", deps);
        report("of which the build stage (dpkg-buildpackage)", build);
        Path tarball = Path.of(System.getProperty("user.home"), ".cache/sbuild", suite + "-amd64.tar");
        if (!Files.exists(tarball)) {
            System.out.println("no " + tarball + ": sbuild comparison skipped");
            return;
        }
        Path dsc = scratch.resolve("sources").resolve(hello.dsc());
        for (var file : hello.files()) {
            new org.debian.bootc.debian.http.Fetcher(org.debian.bootc.debian.http.Fetcher.Limits.DEFAULTS)
                    .fetch(java.net.URI.create(file.location()), scratch.resolve("sources").resolve(file.name()));
        }
        List<Long> sbuild = new ArrayList<>();
        for (int i = 0; i < runs + 1; i++) {
            Path out = Files.createDirectories(scratch.resolve("sbuild-" + i));
            long started = System.nanoTime();
            RUNNER.run(Command.of("sh", "-c", "cd \"$1\" && sbuild --chroot-mode=unshare -d \"$2\" --arch-any "
                    + "--no-arch-all --no-source --no-run-lintian --no-run-piuparts --no-run-autopkgtest "
                    + "--no-apt-upgrade --no-apt-distupgrade \"$3\"", "sbuild", out.toString(), suite, dsc.toString())
                    .withTimeout(Duration.ofMinutes(30)), LogSink.NONE);
            if (i > 0) {
                sbuild.add((System.nanoTime() - started) / 1_000_000);
            }
        }
        report("hello " + hello.version() + ": sbuild --chroot-mode=unshare (same .dsc, same archive)", sbuild);
        System.out.printf("ratio ours/sbuild: %.2f (first run %d ms: %.2f)%n", (double) median(ours) / median(sbuild),
                first, (double) first / median(sbuild));
    }

    /** A stage's duration as the build log records it ("[buildroot took 612 ms]"). */
    private static long stageMillis(BuildOutcome outcome, String stage) throws IOException {
        String log = Files.readString(Path.of(java.net.URI.create(outcome.logLocation().orElseThrow())));
        var m = java.util.regex.Pattern.compile("\\[" + stage + " took (\\d+) ms\\]").matcher(log);
        if (!m.find()) {
            throw new IllegalStateException("no " + stage + " stage in the log");
        }
        return Long.parseLong(m.group(1));
    }

    private static void check(BuildOutcome outcome) {
        if (outcome.result() != BuildResult.SUCCESS) {
            throw new IllegalStateException("bench build failed: " + String.join("\n", outcome.logTail()));
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void report(String what, List<Long> millis) {
        System.out.printf("| %s | %d | %d | %d | %s |%n", what, median(millis), Collections.min(millis),
                Collections.max(millis), millis);
    }
}
