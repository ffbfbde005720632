package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;

/**
 * Pungi's ostree phase: the laid-out tree committed with {@code ostree commit} to the
 * image's ref in an archive-mode repository (made on first use), with the commit
 * metadata rpm-ostree writes ({@code version}, {@code ostree.bootable},
 * {@code ostree.linux}) plus the compose id and the rebuilt source packages, and the
 * summary updated. {@code --skip-if-unchanged} compares the new tree's checksum with the
 * ref's current commit: an unchanged tree is not committed again and the ref keeps its
 * commit.
 *
 * <p>The commit carries {@code /etc} as {@code /usr/etc}, because {@code ostree admin
 * deploy} takes the default configuration from there and merges the machine's
 * {@code /etc} over it; the tree (and so the OCI image) keeps {@code /etc}, as bootc
 * expects. The rename is undone whether or not the commit succeeds.
 */
public final class OstreeCommitPhase implements Phase {

    /** The ref's commit, for the image and the disk images. */
    public static final PublishContext.Key<Result> COMMIT = new PublishContext.Key<>("OSTree commit");

    private static final Logger LOG = Logger.getLogger(OstreeCommitPhase.class);
    private static final Pattern CHECKSUM = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SOURCE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

    /** What to commit. {@code timestamp} is the commit's time in seconds (SOURCE_DATE_EPOCH). */
    public record Request(String ref, String version, String composeId, List<String> rebuiltSources,
            Optional<String> kernelVersion, long timestamp) {

        public Request {
            rebuiltSources = List.copyOf(rebuiltSources);
            for (String source : rebuiltSources) {
                if (!SOURCE_NAME.matcher(source).matches()) {
                    throw new IllegalArgumentException("rebuilt source \"" + source + "\" is not a Debian source package name");
                }
            }
        }
    }

    /** The ref's commit after the phase, and whether this run made it. */
    public record Result(String ref, String commit, boolean created) {
    }

    private final ProcessRunner runner;
    private final Path repo;
    private final Duration timeout;

    public OstreeCommitPhase(ProcessRunner runner, Path repo, Duration timeout) {
        this.runner = runner;
        this.repo = repo;
        this.timeout = timeout;
    }

    @Override
    public Stage stage() {
        return Stage.OSTREE;
    }

    /** Commits the context's tree to the target's ref, with the kernel version the OSTree layout found. */
    @Override
    public void run(PublishContext context) {
        context.put(COMMIT, run(context.tree(), new Request(context.target().ostreeRef(), context.version(),
                context.composeId(), context.rebuiltSources(), context.get(RootfsPhase.LAID_OUT).kernelVersion(),
                context.sourceDateEpoch())));
    }

    public Path repo() {
        return repo;
    }

    public Result run(Path tree, Request request) {
        try {
            return commit(tree, request);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.OSTREE, e);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.OSTREE, "cannot commit " + tree + " to " + repo + ": " + e, e);
        }
    }

    private Result commit(Path tree, Request request) throws IOException {
        String repoOption = "--repo=" + repo;
        if (!Files.exists(repo.resolve("config"))) {
            Files.createDirectories(repo);
            runner.run(List.of("ostree", "init", repoOption, "--mode=archive"), timeout);
        }
        Optional<String> previous = current(request.ref());
        Path etc = tree.resolve("etc");
        Path usrEtc = tree.resolve("usr/etc");
        if (Files.exists(usrEtc, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputRejected(Stage.OSTREE, "the tree already has /usr/etc; the commit's /usr/etc is made from /etc");
        }
        List<String> command = new ArrayList<>(List.of("ostree", "commit", repoOption, "--branch=" + request.ref(),
                "--tree=dir=" + tree, "--skip-if-unchanged", "--timestamp=@" + request.timestamp(),
                "--subject=" + request.composeId(),
                "--add-metadata-string=version=" + request.version(),
                "--add-metadata-string=deb-bootc-compose.compose-id=" + request.composeId(),
                "--add-metadata=deb-bootc-compose.rebuilt-sources=" + stringArray(request.rebuiltSources())));
        request.kernelVersion().ifPresent(kver -> {
            command.add("--add-metadata=ostree.bootable=true");
            command.add("--add-metadata-string=ostree.linux=" + kver);
        });
        String commit;
        Files.move(etc, usrEtc);
        try {
            commit = runner.run(command, timeout).stdoutText().strip();
        } finally {
            Files.move(usrEtc, etc);
        }
        if (!CHECKSUM.matcher(commit).matches()) {
            throw new InfrastructureFailure(Stage.OSTREE, "ostree commit printed \"" + commit + "\", not a commit checksum");
        }
        boolean created = previous.map(p -> !p.equals(commit)).orElse(true);
        if (created) {
            runner.run(List.of("ostree", "summary", repoOption, "--update"), timeout);
        }
        LOG.infof("ref %s: %s commit %s", request.ref(), created ? "new" : "unchanged tree, kept", commit);
        return new Result(request.ref(), commit, created);
    }

    /** The ref's current commit, if the ref exists. */
    public Optional<String> current(String ref) {
        if (!Files.exists(repo.resolve("config"))) {
            return Optional.empty();
        }
        CommandResult result = runner.run(Command.of("ostree", "rev-parse", "--repo=" + repo, ref).withTimeout(timeout)
                .capturingStdout().acceptingAnyExitCode());
        return result.exitCode() == 0 ? Optional.of(result.stdoutText().strip()) : Optional.empty();
    }

    /** A GVariant text array of strings; source names need no escaping (checked in {@link Request}). */
    static String stringArray(List<String> values) {
        if (values.isEmpty()) {
            return "@as []";
        }
        return "[" + String.join(", ", values.stream().map(v -> "'" + v + "'").toList()) + "]";
    }
}
