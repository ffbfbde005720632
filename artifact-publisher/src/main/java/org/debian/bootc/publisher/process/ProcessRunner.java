package org.debian.bootc.publisher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Runs the external tools (mmdebstrap, apt-ftparchive, gpg, ostree, skopeo): one
 * place with a timeout, the output captured to files (a root file system's install
 * log is too big for memory), and a non-zero exit turned into a
 * {@link ToolFailedException} that quotes the tool's last lines.
 */
public final class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    /** Lines of output a failure quotes. */
    static final int QUOTED_LINES = 15;

    private final Path scratch;

    /** @param scratch where the captured output of each run is kept while it runs */
    public ProcessRunner(Path scratch) {
        this.scratch = scratch;
    }

    /** What a finished run left: its exit code and its standard output. */
    public record Result(int exitCode, byte[] stdout, String stderr) {

        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    public Result run(List<String> command, Duration timeout) {
        return run(command, timeout, Map.of(), null);
    }

    /** Runs the command and fails unless it exits 0. */
    public Result run(List<String> command, Duration timeout, Map<String, String> environment, Path workingDir) {
        Result result = runAllowingFailure(command, timeout, environment, workingDir);
        if (result.exitCode() != 0) {
            throw new ToolFailedException(command, result.exitCode(), lastLines(result));
        }
        return result;
    }

    /** Runs the command and returns whatever exit code it had; a timeout still throws. */
    public Result runAllowingFailure(List<String> command, Duration timeout, Map<String, String> environment,
            Path workingDir) {
        Path out = null;
        Path err = null;
        long started = System.nanoTime();
        try {
            Files.createDirectories(scratch);
            out = Files.createTempFile(scratch, "stdout-", ".log");
            err = Files.createTempFile(scratch, "stderr-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new ToolFailedException(command, -1, "timed out after " + timeout.toSeconds() + " s; last output:\n"
                        + tail(Files.readString(err, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8)));
            }
            byte[] stdout = Files.readAllBytes(out);
            String stderr = new String(Files.readAllBytes(err), StandardCharsets.UTF_8);
            LOG.debugf("%s exited %d after %d ms", command.get(0), process.exitValue(),
                    (System.nanoTime() - started) / 1_000_000);
            return new Result(process.exitValue(), stdout, stderr);
        } catch (IOException e) {
            throw new ToolFailedException(command, -1, "cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailedException(command, -1, "interrupted");
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String lastLines(Result result) {
        String text = result.stderr().isBlank() ? result.stdoutText() : result.stderr();
        return tail(text);
    }

    /** The last {@value #QUOTED_LINES} non-blank lines of a tool's output. */
    static String tail(String text) {
        Deque<String> lines = new ArrayDeque<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            lines.addLast(line.stripTrailing());
            if (lines.size() > QUOTED_LINES) {
                lines.removeFirst();
            }
        }
        return String.join("\n", lines);
    }
}
