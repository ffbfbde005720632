package org.debian.bootc.publisher.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.Failable;
import org.debian.bootc.events.ImageTarget;
import org.debian.bootc.events.ResolvedPackage;
import org.debian.bootc.debian.PackageId;
import org.debian.bootc.publisher.TestArchive;
import org.debian.bootc.publisher.TestRegistry;
import org.debian.bootc.publisher.TestTools;
import org.debian.bootc.publisher.phase.ArchiveRelease;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.debian.fs.Trees;

/**
 * The publisher's figures for docs/benchmarks.md, with the real tools: a cold publish of a
 * minimal compose (Essential set + hello), a no-change re-publish, a one-package update
 * (hello rebuilt), and a no-change OSTree commit against a plain re-commit of the same tree.
 * The no-change re-publish is timed twice: through the input key (the reuse path) and
 * the full way with the key's record removed (what it cost before); the reuse decision
 * alone is timed too. Pushes to Debian's docker-registry on loopback. Arguments: a
 * scratch directory (emptied); {@code --quick} stops after the no-change re-publishes.
 */
public final class PublishBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/publish-bench").toAbsolutePath();
        boolean quick = args.length > 1 && args[1].equals("--quick");
        Trees.delete(dir);
        Files.createDirectories(dir);
        try (TestRegistry registry = TestRegistry.start(dir)) {
            ImagePublisher publisher = new ImagePublisher(new PublisherSettings(dir.resolve("data"),
                    TestTools.throwAwayKey(dir), Optional.of(Path.of(TestArchive.KEYRING)),
                    Optional.of(Path.of("target/apt-cache").toAbsolutePath()), true, false, 64, false, Optional.empty(),
                    "urn:deb-bootc-compose", Duration.ofMinutes(60)));
            List<PackageId> closure = TestArchive.closure(dir, "amd64", "hello");
            ArtifactRef hello = TestTools.download(dir.resolve("debs"), "hello").get(0);
            String helloVersion = closure.stream().filter(p -> p.name().equals("hello")).findFirst().orElseThrow().version();
            ArtifactRef rebuilt = TestTools.rebuild(Path.of(java.net.URI.create(hello.location())), "hello",
                    helloVersion + "+bench1", dir.resolve("rebuilt"));
            String ref = "debian/bench/amd64/minimal";
            String repository = registry.host() + "/debian-bootc/bench";

            long t0 = System.nanoTime();
            PublishResult cold = publisher.publish(request("bench-1-20261125.t.0", plan(closure, ref, repository, "1"),
                    List.of(hello)));
            double coldSeconds = seconds(t0);
            long image = cold.bytesPushed();

            // No change, fast path: the input key matches the ref's last publish.
            t0 = System.nanoTime();
            PublishResult same = publisher.publish(request("bench-1-20261125.t.1", plan(closure, ref, repository, "1"),
                    List.of(hello)));
            double sameSeconds = seconds(t0);
            // What the no-change OSTree commit costs now: the key (with the InRelease fetch for the
            // epoch and dpkg-query for tool versions), ostree rev-parse, the OCI layout read back.
            PublishRequest unchanged = request("bench-1-20261125.t.2", plan(closure, ref, repository, "1"), List.of(hello));
            double[] decisions = new double[5];
            boolean allReused = true;
            for (int i = 0; i < decisions.length; i++) {
                t0 = System.nanoTime();
                allReused &= publisher.reuseDecision(unchanged).reuse();
                decisions[i] = seconds(t0);
            }
            java.util.Arrays.sort(decisions);

            // The same no-change re-publish the full way (the input-key record removed), as before the key.
            double fullSeconds = -1;
            PublishResult full = null;
            if (!quick) {
                Files.delete(publisher.inputKeyRecords().file(ref));
                t0 = System.nanoTime();
                full = publisher.publish(request("bench-1-20261125.t.3", plan(closure, ref, repository, "1"),
                        List.of(hello)));
                fullSeconds = seconds(t0);
            }

            if (quick) {
                report(coldSeconds, cold, image, sameSeconds, same, decisions, allReused, fullSeconds, full);
                return;
            }
            t0 = System.nanoTime();
            PublishResult update = publisher.publish(request("bench-2-20261125.t.0", plan(closure, ref, repository, "2"),
                    List.of(rebuilt)));
            double updateSeconds = seconds(t0);

            // The no-change commit: the ref's tree checked out again, committed with and without the skip.
            ProcessRunner runner = new ProcessRunner();
            Path tree = dir.resolve("checkout");
            runner.run(List.of("ostree", "checkout", "--repo=" + publisher.ostreeRepository(), ref, tree.toString()),
                    Duration.ofMinutes(10));
            Files.move(tree.resolve("usr/etc"), tree.resolve("etc"));
            String size = runner.run(List.of("du", "-sh", "--apparent-size", tree.toString()), Duration.ofMinutes(1))
                    .stdoutText().split("\\s")[0];
            OstreeCommitPhase ostree = new OstreeCommitPhase(runner, publisher.ostreeRepository(), Duration.ofMinutes(30));
            t0 = System.nanoTime();
            OstreeCommitPhase.Result kept = ostree.run(tree, new OstreeCommitPhase.Request(ref, "2", "bench-2-20261125.t.1",
                    List.of("hello"), Optional.empty(), 1_700_000_000L));
            double skipSeconds = seconds(t0);
            Files.move(tree.resolve("etc"), tree.resolve("usr/etc"));
            t0 = System.nanoTime();
            runner.run(List.of("ostree", "commit", "--repo=" + publisher.ostreeRepository(), "--branch=bench/plain",
                    "--tree=dir=" + tree), Duration.ofMinutes(30));
            double plainSeconds = seconds(t0);
            Trees.delete(tree);

            report(coldSeconds, cold, image, sameSeconds, same, decisions, allReused, fullSeconds, full);
            System.out.printf("one-package update: %.1f s, %d blobs / %d bytes pushed = %.2f %% of the image%n",
                    updateSeconds, update.push().orElseThrow().blobsPushed(), update.bytesPushed(),
                    100.0 * update.bytesPushed() / image);
            System.out.printf("no-change ostree commit (%s tree): --skip-if-unchanged %.2f s (kept %b); plain re-commit %.2f s%n",
                    size, skipSeconds, !kept.created(), plainSeconds);
        }
    }

    private static void report(double coldSeconds, PublishResult cold, long image, double sameSeconds,
            PublishResult same, double[] decisions, boolean allReused, double fullSeconds, PublishResult full) {
        System.out.printf("cold minimal publish: %.1f s, %d layers, %d bytes pushed (the whole image)%n", coldSeconds,
                cold.image().layers().size(), image);
        System.out.printf("no-change re-publish, input key matched: %.2f s, reused %b, stages %s, %d blobs / %d bytes"
                + " pushed, same digest %b, same commit %b%n", sameSeconds, same.reused(), same.stages(),
                same.push().orElseThrow().blobsPushed(), same.bytesPushed(),
                same.image().manifestDigest().equals(cold.image().manifestDigest()),
                same.commit().commit().equals(cold.commit().commit()));
        System.out.printf("reuse decision alone (key + ostree rev-parse + OCI layout read), 5 runs: min %.3f s,"
                + " median %.3f s, max %.3f s, reused %b%n", decisions[0], decisions[2], decisions[4], allReused);
        if (full != null) {
            System.out.printf("no-change re-publish, full path (record removed): %.1f s, reused %b, %d blobs / %d bytes"
                    + " pushed, same digest %b, commit kept %b%n", fullSeconds, full.reused(),
                    full.push().orElseThrow().blobsPushed(), full.bytesPushed(),
                    full.image().manifestDigest().equals(cold.image().manifestDigest()), !full.commit().created());
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static ComposePlan plan(List<PackageId> closure, String ref, String repository, String tag)
            throws Exception {
        List<ResolvedPackage> packages = new ArrayList<>(closure.stream()
                .map(p -> new ResolvedPackage(p.name(), p.version(), p.architecture())).toList());
        return new ComposePlan(TestArchive.suite(), TestArchive.archive().toString(),
                ArchiveRelease.fetch(TestArchive.archive(), TestArchive.suite()).sha256(), Failable.NONE,
                List.of(new ImageTarget("amd64", ref, repository, tag, Map.of(), packages)), List.of());
    }

    private static PublishRequest request(String compose, ComposePlan plan, List<ArtifactRef> debs) {
        return new PublishRequest(compose, plan.images().get(0).imageTag(), plan, plan.images().get(0), debs,
                List.of("hello"));
    }
}
