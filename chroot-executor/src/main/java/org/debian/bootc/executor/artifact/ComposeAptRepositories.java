package org.debian.bootc.executor.artifact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.ComposeId;

/**
 * The compose's own built packages as a flat apt repository per compose
 * ({@code <dir>/<compose id>/} with the .debs and a {@code Packages} index made by
 * {@code dpkg-scanpackages}), so a later build of the same compose installs a
 * package built earlier in it. Local to this executor: a farm points builds at
 * the publisher's repository through the task's extra repositories instead.
 * (An apt repository, a directory apt reads: not a database repository such as the
 * planner's and the scheduler's {@code ComposeRepository}.)
 */
public final class ComposeAptRepositories {

    private final Path dir;
    private final ProcessRunner runner;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    public ComposeAptRepositories(Path dir, ProcessRunner runner) {
        this.dir = dir;
        this.runner = runner;
    }

    /** The compose's apt repository, when it holds at least one package. */
    public Optional<Path> of(ComposeId compose) {
        Path repo = dir.resolve(compose.value());
        return Files.isRegularFile(repo.resolve("Packages")) ? Optional.of(repo) : Optional.empty();
    }

    /** Adds built .debs to the compose's apt repository and re-indexes it. */
    public void add(ComposeId compose, List<Path> debs, LogSink log) throws IOException {
        if (debs.isEmpty()) {
            return;
        }
        Path repo = dir.resolve(compose.value());
        ReentrantLock lock = locks.computeIfAbsent(compose.value(), k -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(repo);
            for (Path deb : debs) {
                Files.copy(deb, repo.resolve(deb.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            // the index goes to a file: dpkg-scanpackages reports on standard error, which the runner keeps
            runner.run(Command.of("sh", "-c", "cd \"$1\" && dpkg-scanpackages --multiversion . > Packages.new",
                    "scan", repo.toString()).withTimeout(Duration.ofMinutes(2)), log);
            Path temp = repo.resolve("Packages.new");
            Files.move(temp, repo.resolve("Packages"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            log.line("compose repository " + repo + " now indexes " + debs.size() + " more package(s)");
        } finally {
            lock.unlock();
        }
    }
}
