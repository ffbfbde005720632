package org.debian.bootc.planner.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * Runs an external program (gpgv, apt-get, xz) with a timeout, captures what it
 * prints, and turns an unexpected exit status into a {@link ToolException} that
 * quotes the program's last lines.
 */
public final class ToolRunner {

    private static final Logger LOG = Logger.getLogger(ToolRunner.class);

    /** Output beyond this is dropped from the head: the last lines are the ones that explain a failure. */
    private static final int CAPTURE_LIMIT = 4 * 1024 * 1024;

    /**
     * One invocation.
     *
     * @param argv program and arguments; the program is looked up on {@code PATH}
     * @param environment variables added to (or replacing those of) this JVM's environment
     * @param stdoutFile when present, standard output goes to this file instead of being captured
     * @param acceptedExitCodes exit statuses that are not a failure
     */
    public record Command(List<String> argv, Map<String, String> environment, Optional<Path> stdoutFile,
            Set<Integer> acceptedExitCodes) {

        public Command {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs a program");
            }
            environment = Map.copyOf(environment);
            Objects.requireNonNull(stdoutFile, "stdoutFile");
            acceptedExitCodes = Set.copyOf(acceptedExitCodes);
        }

        public static Command of(String... argv) {
            return of(Arrays.asList(argv));
        }

        public static Command of(List<String> argv) {
            return new Command(argv, Map.of(), Optional.empty(), Set.of(0));
        }

        public Command withEnvironment(Map<String, String> variables) {
            Map<String, String> merged = new LinkedHashMap<>(environment);
            merged.putAll(variables);
            return new Command(argv, merged, stdoutFile, acceptedExitCodes);
        }

        public Command withStdoutTo(Path file) {
            return new Command(argv, environment, Optional.of(file), acceptedExitCodes);
        }

        public Command acceptingExitCodes(Integer... codes) {
            return new Command(argv, environment, stdoutFile, Set.of(codes));
        }

        public String program() {
            return Path.of(argv.get(0)).getFileName().toString();
        }
    }

    /** What a finished program left behind. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr, Duration duration) {

        public Result {
            argv = List.copyOf(argv);
        }
    }

    private final Duration timeout;

    public ToolRunner(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public Result run(String... argv) {
        return run(Command.of(argv));
    }

    /**
     * Runs the command to its end.
     *
     * @throws ToolException when the program cannot start, outlives the timeout, or exits
     *         with a status the command does not accept
     */
    public Result run(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        builder.environment().putAll(command.environment());
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        command.stdoutFile().ifPresent(file -> builder.redirectOutput(file.toFile()));
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ToolException(command.argv(), null, "", "", false,
                    "cannot start " + command.program() + ": " + e.getMessage());
        }
        Capture out = new Capture(process.getInputStream(), command.program() + "-stdout");
        Capture err = new Capture(process.getErrorStream(), command.program() + "-stderr");
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ToolException(command.argv(), null, out.text(), err.text(), false,
                    command.program() + " was interrupted");
        }
        if (!finished) {
            kill(process);
        }
        String stdout = out.text();
        String stderr = err.text();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (!finished) {
            throw new ToolException(command.argv(), null, stdout, stderr, true,
                    command.program() + " timed out after " + timeout.toSeconds() + " s");
        }
        int status = process.exitValue();
        LOG.debugf("%s exited with %d after %d ms", command.program(), status, took.toMillis());
        if (!command.acceptedExitCodes().contains(status)) {
            throw new ToolException(command.argv(), status, stdout, stderr, false,
                    command.program() + " exited with status " + status);
        }
        return new Result(command.argv(), status, stdout, stderr, took);
    }

    private static void kill(Process process) {
        // the children are listed first: once the parent is gone they are re-parented and out of reach
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains one stream on its own thread so a chatty program never blocks on a full pipe. */
    private static final class Capture {

        private final Thread thread;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private volatile IOException failure;

        Capture(InputStream stream, String name) {
            thread = new Thread(() -> drain(stream), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream stream) {
            byte[] chunk = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                        if (buffer.size() > 2 * CAPTURE_LIMIT) {
                            byte[] all = buffer.toByteArray();
                            buffer.reset();
                            buffer.write(all, all.length - CAPTURE_LIMIT, CAPTURE_LIMIT);
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            }
        }

        String text() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                // A killed program's pipe may close under the reader; what was read still counts.
                LOG.debugf("reading %s stopped: %s", thread.getName(), failure.getMessage());
            }
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
