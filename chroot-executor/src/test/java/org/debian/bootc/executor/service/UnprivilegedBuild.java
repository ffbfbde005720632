package org.debian.bootc.executor.service;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ArtifactRef;
import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.buildroot.IsolationMode;
import org.debian.bootc.executor.buildroot.TreeRemover;

/**
 * The executor's build path in a JVM of its own, for {@code UnprivilegedBuildIT}, which
 * starts it as an ordinary user: makes an arch-all source package (build-depending on
 * the archive's {@code hello}, so apt installs something; its build tries the network
 * and prints the uid it runs as), builds it with a {@link Workspace} on the given state
 * directory, and writes the outcome as properties.
 *
 * <p>Arguments: state directory, scratch directory, output file, then {@code small} (that
 * package) or {@code hello} (Debian's hello from the archive's Sources index, {@code -B}).
 */
public final class UnprivilegedBuild {

    private UnprivilegedBuild() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path scratch = Path.of(args[1]);
        Path out = Path.of(args[2]);
        String suite = TestSources.hostSuite();
        URI archive = TestSources.hostArchive(suite);
        int port = archive.getPort() > 0 ? archive.getPort() : archive.getScheme().equals("https") ? 443 : 80;
        boolean hello = args.length > 3 && args[3].equals("hello");
        String name = hello ? "hello" : "bootc-test-unpriv";
        SourcePackage source = hello ? TestSources.fromArchive(archive, suite, "hello", scratch.resolve("sources"))
                // relations no earlier run had: this run's first build installs hello and makes the layer
                : TestSources.nativePackage(scratch, name, "all", "hello (>= 0." + System.nanoTime() + ")", List.of(
                        "hello",
                        "echo \"BUILDER-UID=$$(id -u)\"",
                        "if bash -c 'exec 3<>/dev/tcp/" + archive.getHost() + "/" + port
                                + "' 2>/dev/null; then echo NET-CONNECTED; else echo NET-REFUSED; fi"));
        Workspace workspace = new Workspace(new Workspace.Options(state, "unpriv-it", "amd64", Optional.empty(),
                List.of("fakeroot"), 2000, Duration.ofMinutes(40), Duration.ofMinutes(40), Duration.ofDays(30),
                Long.MAX_VALUE, 30, 8));
        workspace.removeLeftovers();
        ComposeId compose = ComposeId.of("unpriv" + UUID.randomUUID().toString().substring(0, 8), "1",
                LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
        BuildRequest request = new BuildRequest(new TaskId(compose.value() + ":" + name + ":amd64:" + UUID.randomUUID()),
                1, compose, source, "amd64", suite, Optional.empty(), Optional.empty(),
                hello ? BuildType.ANY : BuildType.ALL,
                Optional.empty(), List.of());
        BuildOutcome outcome = workspace.pipeline().run(request, TestWorkspace.running(request, Duration.ofMinutes(40)),
                ready -> {
                });
        Properties p = new Properties();
        if (!hello) {
            // the same relations again, in another compose: over the build-deps layer the first build made
            ComposeId again = ComposeId.of("unpriv" + UUID.randomUUID().toString().substring(0, 8), "1",
                    LocalDate.of(2026, 11, 25), ComposeType.TEST, 0);
            BuildRequest second = new BuildRequest(new TaskId(again.value() + ":" + name + ":amd64:"
                    + UUID.randomUUID()), 1, again, source, "amd64", suite, Optional.empty(), Optional.empty(),
                    BuildType.ALL, Optional.empty(), List.of());
            BuildOutcome two = workspace.pipeline().run(second, TestWorkspace.running(second, Duration.ofMinutes(40)),
                    ready -> {
                    });
            p.setProperty("second.result", two.result().wireName());
            p.setProperty("second.log", two.logLocation().orElse(""));
            p.setProperty("second.logTail", String.join("\n", two.logTail()));
        }
        p.setProperty("mode", IsolationMode.ofThisProcess().name());
        p.setProperty("user", System.getProperty("user.name"));
        p.setProperty("result", outcome.result().wireName());
        p.setProperty("failure", outcome.failure().map(f -> f.getClass().getSimpleName() + ": " + f.getMessage())
                .orElse(""));
        p.setProperty("baseMade", Boolean.toString(outcome.baseMade()));
        p.setProperty("log", outcome.logLocation().orElse(""));
        p.setProperty("logTail", String.join("\n", outcome.logTail()));
        // what the cache's size limit counts for each base, measured as this user can (inside a user namespace)
        try (Stream<Path> bases = Files.list(state.resolve("bases"))) {
            for (Path base : bases.filter(b -> Files.isDirectory(b.resolve("root"))).toList()) {
                p.setProperty("baseBytes." + base.getFileName(), Long.toString(TreeRemover.of(IsolationMode.UNPRIVILEGED,
                        new ProcessRunner(), 2000).size(base.resolve("root"))));
            }
        }
        int i = 0;
        for (ArtifactRef a : outcome.artifacts()) {
            p.setProperty("artifact." + i++, a.category() + " " + a.name() + " " + a.location());
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            p.store(o, "unprivileged build");
        }
        System.exit(0);
    }
}
