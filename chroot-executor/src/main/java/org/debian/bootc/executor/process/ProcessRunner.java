package org.debian.bootc.executor.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * The one way this service runs an external program (mmdebstrap, mount, apt-get,
 * dpkg-buildpackage): with a timeout, its output (standard error merged into
 * standard output, as a build log shows it) streamed line by line to a
 * {@link LogSink} and kept for the caller, and a non-zero exit turned into a
 * {@link CommandFailedException} that quotes the last lines.
 */
public final class ProcessRunner {

    private static final Logger LOG = Logger.getLogger(ProcessRunner.class);

    /** Lines quoted in a failure and in {@link CommandResult#lastLines()}. */
    public static final int QUOTED_LINES = 15;
    /** Output kept in memory beyond this is dropped from the head: the last lines explain a failure. */
    private static final int CAPTURE_LIMIT = 1024 * 1024;

    /** The programs this runner started that still run, for {@link #terminateAll(Duration)}. */
    private final java.util.Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Runs {@code command} to its end, sending each output line to {@code sink}. */
    public CommandResult run(Command command, LogSink sink) {
        return run(command, sink, process -> {
        });
    }

    /**
     * As {@link #run(Command, LogSink)}; {@code started} sees the process once it runs, so a
     * caller can kill it from another thread (a cancelled build).
     */
    public CommandResult run(Command command, LogSink sink, Consumer<Process> started) {
        ProcessBuilder builder = new ProcessBuilder(command.argv()).redirectErrorStream(true);
        builder.environment().putAll(command.environment());
        builder.redirectInput(ProcessBuilder.Redirect.from(command.stdin().orElse(java.nio.file.Path.of("/dev/null")).toFile()));
        long begin = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandFailedException("cannot start " + command.program() + ": " + e.getMessage(),
                    command.argv(), null, false, "", List.of(), Duration.ZERO);
        }
        live.add(process);
        try {
            return await(command, sink, started, process, begin);
        } finally {
            live.remove(process);
        }
    }

    private CommandResult await(Command command, LogSink sink, Consumer<Process> started, Process process, long begin) {
        started.accept(process);
        Capture capture = new Capture(process.getInputStream(), sink, command.program());
        boolean finished;
        try {
            finished = process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw failure(command, null, false, capture, begin, command.program() + " was interrupted");
        }
        if (!finished) {
            killTree(process);
            throw failure(command, null, true, capture, begin,
                    command.program() + " timed out after " + command.timeout().toSeconds() + " s");
        }
        capture.join();
        int status = process.exitValue();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        LOG.debugf("%s exited with %d after %d ms", command.program(), status, took.toMillis());
        if (status != 0) {
            String why = status > 128 ? command.program() + " was killed by signal " + (status - 128)
                    : command.program() + " exited with status " + status;
            throw failure(command, status, false, capture, begin, why);
        }
        return new CommandResult(command.argv(), status, capture.text(), capture.lastLines(), took);
    }

    private static CommandFailedException failure(Command command, Integer status, boolean timedOut, Capture capture,
            long begin, String summary) {
        capture.join();
        return new CommandFailedException(summary, command.argv(), status, timedOut, capture.text(),
                capture.lastLines(), Duration.ofNanos(System.nanoTime() - begin));
    }

    /**
     * Stops every program this runner started that still runs (the executor shuts down):
     * each gets SIGTERM first, so a program such as mmdebstrap can remove its own mounts,
     * then whatever still runs after {@code patience}, with all its descendants, SIGKILL.
     * Each caller waiting in {@link #run} then gets a {@link CommandFailedException}.
     *
     * @return how many programs were running
     */
    public int terminateAll(Duration patience) {
        List<Process> now = List.copyOf(live);
        // its descendants as they are now: once it dies they are re-parented and no longer listed
        java.util.Map<Process, List<ProcessHandle>> descendants = new java.util.HashMap<>();
        now.forEach(p -> descendants.put(p, p.descendants().toList()));
        now.forEach(Process::destroy);
        long deadline = System.nanoTime() + patience.toNanos();
        for (Process process : now) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    LOG.warnf("%s (pid %d) did not stop on SIGTERM within %d s; killed", process.info().command()
                            .orElse("a program"), process.pid(), patience.toSeconds());
                    killTree(process);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
            }
            descendants.get(process).stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
        return now.size();
    }

    /** Kills the program and everything it started; children are listed first, as they are re-parented once it dies. */
    public static void killTree(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the merged output on its own thread so a chatty program never blocks on a full pipe. */
    private static final class Capture {

        private final Thread thread;
        private final StringBuilder text = new StringBuilder();
        private final Deque<String> last = new ArrayDeque<>();

        Capture(InputStream stream, LogSink sink, String name) {
            thread = new Thread(() -> drain(stream, sink), name + "-output");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream stream, LogSink sink) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.line(line);
                    synchronized (this) {
                        text.append(line).append('\n');
                        if (text.length() > 2 * CAPTURE_LIMIT) {
                            text.delete(0, text.length() - CAPTURE_LIMIT);
                        }
                        if (!line.isBlank()) {
                            last.addLast(line.stripTrailing());
                            if (last.size() > QUOTED_LINES) {
                                last.removeFirst();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // a killed program's pipe may close under the reader; what was read still counts
                LOG.debugf("reading %s stopped: %s", thread.getName(), e.getMessage());
            }
        }

        void join() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized List<String> lastLines() {
            return new ArrayList<>(last);
        }
    }
}
