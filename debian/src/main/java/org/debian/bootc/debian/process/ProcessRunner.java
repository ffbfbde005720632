package org.debian.bootc.debian.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.debian.bootc.debian.process.CommandFailedException.Reason;

/**
 * The one way the services run an external program (mmdebstrap, apt-get, dpkg-buildpackage, gpgv,
 * xz, ostree, skopeo): with a timeout, its log streamed line by line to a {@link LogSink} and kept
 * for the caller, its standard output merged into that log or kept apart, and every way it can fail
 * (could not start, timed out, interrupted, wrote too much, exited with a status the command does
 * not accept) one {@link CommandFailedException} that quotes its last lines. A program that is
 * stopped (timeout, interrupt, {@link #terminateAll}) is stopped with everything it started.
 *
 * <p>Logs through {@link System.Logger}, so it needs no logging library; Quarkus routes that to its log.
 */
public final class ProcessRunner {

    private static final System.Logger LOG = System.getLogger(ProcessRunner.class.getName());

    /** Lines quoted in a failure and in {@link CommandResult#lastLines()}. */
    public static final int QUOTED_LINES = 15;
    /** The log kept in memory beyond this is dropped from the head: the last lines explain a failure. */
    public static final int LOG_LIMIT = 1024 * 1024;
    /** Characters of one log line kept; the rest of a longer line is dropped (an endless line costs no memory). */
    public static final int LINE_LIMIT = 64 * 1024;
    /** The timeout of a command that names none, unless the runner is given another. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private final Duration defaultTimeout;
    /** The programs this runner started that still run, for {@link #terminateAll(Duration)}. */
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    public ProcessRunner() {
        this(DEFAULT_TIMEOUT);
    }

    /** @param defaultTimeout the timeout of a command that names none */
    public ProcessRunner(Duration defaultTimeout) {
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + defaultTimeout);
        }
        this.defaultTimeout = defaultTimeout;
    }

    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /**
     * The short form for a program whose standard output is its answer: standard output
     * {@linkplain Command#capturingStdout() captured}, standard error the log, only status 0 accepted.
     */
    public CommandResult run(List<String> argv, Duration timeout) {
        return run(Command.of(argv).withTimeout(timeout).capturingStdout(), LogSink.NONE);
    }

    /** Runs {@code command} to its end; its log goes nowhere but the result. */
    public CommandResult run(Command command) {
        return run(command, LogSink.NONE);
    }

    /** Runs {@code command} to its end, sending each log line to {@code sink}. */
    public CommandResult run(Command command, LogSink sink) {
        return run(command, sink, process -> {
        });
    }

    /**
     * As {@link #run(Command, LogSink)}; {@code started} sees the process once it runs, so a
     * caller can stop it from another thread (a cancelled build) with {@link #killTree(Process)}.
     *
     * @throws CommandFailedException when the program cannot start, outlives its timeout, is
     *         interrupted, writes more than its standard output may hold, or exits with a status
     *         the command does not accept
     */
    public CommandResult run(Command command, LogSink sink, Consumer<Process> started) {
        ProcessBuilder builder = new ProcessBuilder(command.launchArgv());
        builder.environment().putAll(command.environment());
        command.directory().ifPresent(dir -> builder.directory(dir.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(command.stdin().orElse(Path.of("/dev/null")).toFile()));
        builder.redirectErrorStream(command.stdout() instanceof Command.Stdout.ToLog);
        long begin = System.nanoTime();
        OutputStream sinkOfStdout = null;
        Process process;
        try {
            if (command.stdout() instanceof Command.Stdout.Captured) {
                sinkOfStdout = new ByteArrayOutputStream();
            } else if (command.stdout() instanceof Command.Stdout.ToFile file) {
                sinkOfStdout = Files.newOutputStream(file.file());
            }
            process = builder.start();
        } catch (IOException e) {
            closeQuietly(sinkOfStdout);
            throw new CommandFailedException(Reason.COULD_NOT_START, "cannot start " + command.program() + ": "
                    + e.getMessage(), command.argv(), null, "", List.of(), Duration.ZERO);
        }
        live.add(process);
        try {
            return await(command, sink, started, process, sinkOfStdout, begin);
        } finally {
            live.remove(process);
            closeQuietly(sinkOfStdout);
        }
    }

    private CommandResult await(Command command, LogSink sink, Consumer<Process> started, Process process,
            OutputStream stdoutTarget, long begin) {
        String program = command.program();
        LogCapture log = new LogCapture(stdoutTarget == null ? process.getInputStream() : process.getErrorStream(),
                sink, program, process, command.logLimitChars());
        StdoutCapture stdout = stdoutTarget == null ? null
                : new StdoutCapture(process, stdoutTarget, limit(command.stdout()), program);
        started.accept(process);
        Duration timeout = command.timeout().orElse(defaultTimeout);
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            CommandFailedException failure = failure(Reason.INTERRUPTED, program + " was interrupted", command, log,
                    stdout, begin);
            Thread.currentThread().interrupt();
            throw failure;
        }
        if (!finished) {
            killTree(process);
            throw failure(Reason.TIMED_OUT, program + " timed out after " + seconds(timeout), command, log, stdout,
                    begin);
        }
        log.join();
        if (log.overflowed()) {
            throw failure(Reason.OUTPUT_LIMIT, program + " wrote more than " + command.logLimitChars()
                    + " characters of log", command, log, stdout, begin);
        }
        if (stdout != null) {
            stdout.join();
            if (stdout.overflowed()) {
                throw failure(Reason.OUTPUT_LIMIT, program + " wrote more than " + limit(command.stdout())
                        + " bytes to standard output", command, log, stdout, begin);
            }
        }
        int status = process.exitValue();
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        LOG.log(System.Logger.Level.DEBUG, () -> program + " exited with " + status + " after " + took.toMillis()
                + " ms");
        byte[] captured = stdout == null ? new byte[0] : stdout.bytes();
        if (!command.accepts(status)) {
            throw CommandFailedException.exited(command.argv(), status, log.text(),
                    new String(captured, StandardCharsets.UTF_8), log.lastLines(), took);
        }
        return new CommandResult(command.argv(), status, log.text(), captured, log.lastLines(), took);
    }

    private static CommandFailedException failure(Reason reason, String summary, Command command, LogCapture log,
            StdoutCapture stdout, long begin) {
        log.join();
        List<String> quoted = log.lastLines();
        if (stdout != null) {
            stdout.join();
            if (quoted.isEmpty()) {
                quoted = CommandFailedException.lastLines(new String(stdout.bytes(), StandardCharsets.UTF_8),
                        QUOTED_LINES);
            }
        }
        return new CommandFailedException(reason, summary, command.argv(), null, log.text(), quoted,
                Duration.ofNanos(System.nanoTime() - begin));
    }

    private static long limit(Command.Stdout stdout) {
        if (stdout instanceof Command.Stdout.Captured captured) {
            return captured.limitBytes();
        }
        return stdout instanceof Command.Stdout.ToFile file ? file.limitBytes() : Long.MAX_VALUE;
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /**
     * Stops every program this runner started that still runs (the service shuts down): each
     * gets SIGTERM first, so a program such as mmdebstrap can remove its own mounts, then whatever
     * still runs after {@code patience}, with all its descendants, SIGKILL. Each caller waiting in
     * {@link #run} then gets a {@link CommandFailedException}.
     *
     * @return how many programs were running
     */
    public int terminateAll(Duration patience) {
        List<Process> now = List.copyOf(live);
        // their descendants as they are now: once a program dies they are re-parented and no longer listed
        Map<Process, List<ProcessHandle>> descendants = new HashMap<>();
        now.forEach(p -> descendants.put(p, p.descendants().toList()));
        now.forEach(Process::destroy);
        long deadline = System.nanoTime() + patience.toNanos();
        for (Process process : now) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    LOG.log(System.Logger.Level.WARNING, () -> process.info().command().orElse("a program") + " (pid "
                            + process.pid() + ") did not stop on SIGTERM within " + patience.toSeconds()
                            + " s; killed");
                    killTree(process);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
            }
            descendants.get(process).forEach(ProcessRunner::killTree);
        }
        return now.size();
    }

    /** Kills the program and everything it started, and waits (up to 10 s) for it to end. */
    public static void killTree(Process process) {
        killTree(process.toHandle());
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Kills a process and everything it started. Descendants are listed before anything is
     * killed (a killed parent's children are re-parented and drop out of its tree), and listed
     * again under those still alive until no new one turns up, which catches a child forked
     * between the listing and the kill.
     */
    public static void killTree(ProcessHandle root) {
        Set<ProcessHandle> known = new LinkedHashSet<>();
        for (int round = 0; round < 10; round++) {
            int before = known.size();
            List<ProcessHandle> parents = Stream.concat(Stream.of(root), known.stream())
                    .filter(ProcessHandle::isAlive).toList();
            parents.forEach(parent -> parent.descendants().forEach(known::add));
            root.destroyForcibly();
            known.forEach(ProcessHandle::destroyForcibly);
            if (round > 0 && known.size() == before) {
                return;
            }
        }
    }

    private static void closeQuietly(OutputStream stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "closing standard output's target: " + e.getMessage());
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the log line by line on its own thread, so a chatty program never blocks on a full pipe.
     * A line longer than {@link #LINE_LIMIT} characters is cut there (the rest of it is read and
     * dropped), so an endless line costs no memory; past the command's log limit the program is
     * killed and the rest drained.
     */
    private static final class LogCapture {

        private final Thread thread;
        private final StringBuilder text = new StringBuilder();
        private final Deque<String> last = new ArrayDeque<>();
        private final Process process;
        private final long limit;
        private volatile boolean overflowed;

        LogCapture(InputStream stream, LogSink sink, String name, Process process, long limit) {
            this.process = process;
            this.limit = limit;
            thread = new Thread(() -> drain(stream, sink), name + "-log");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream stream, LogSink sink) {
            try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8)) {
                char[] chunk = new char[8192];
                StringBuilder line = new StringBuilder();
                long cutChars = 0;
                long read = 0;
                int n;
                while ((n = reader.read(chunk)) >= 0) {
                    if (overflowed) {
                        continue; // drained so the program is not blocked while it is being killed
                    }
                    read += n;
                    if (read > limit) {
                        overflowed = true;
                        killTree(process.toHandle());
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        char c = chunk[i];
                        if (c == '\n') {
                            emit(sink, line, cutChars);
                            line.setLength(0);
                            cutChars = 0;
                        } else if (line.length() < LINE_LIMIT) {
                            line.append(c);
                        } else {
                            cutChars++;
                        }
                    }
                }
                if (!overflowed && (line.length() > 0 || cutChars > 0)) {
                    emit(sink, line, cutChars);
                }
            } catch (IOException e) {
                // a killed program's pipe may close under the reader; what was read still counts
                LOG.log(System.Logger.Level.DEBUG, () -> "reading " + thread.getName() + " stopped: " + e.getMessage());
            }
        }

        private void emit(LogSink sink, StringBuilder chars, long cutChars) {
            int end = chars.length();
            if (end > 0 && chars.charAt(end - 1) == '\r') {
                end--; // as readLine: a CRLF ends one line
            }
            String line = chars.substring(0, end);
            if (cutChars > 0) {
                line += " [line cut: " + cutChars + " more characters]";
            }
            sink.line(line);
            synchronized (this) {
                text.append(line).append('\n');
                if (text.length() > 2 * LOG_LIMIT) {
                    text.delete(0, text.length() - LOG_LIMIT);
                }
                if (!line.isBlank()) {
                    last.addLast(line.stripTrailing());
                    if (last.size() > QUOTED_LINES) {
                        last.removeFirst();
                    }
                }
            }
        }

        boolean overflowed() {
            return overflowed;
        }

        void join() {
            ProcessRunner.join(thread);
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized List<String> lastLines() {
            return new ArrayList<>(last);
        }
    }

    /** Copies standard output to memory or a file on its own thread; past the limit it kills the program. */
    private static final class StdoutCapture {

        private final Thread thread;
        private final OutputStream target;
        private final long limit;
        private volatile boolean overflowed;
        private volatile IOException writeFailure;

        StdoutCapture(Process process, OutputStream target, long limit, String name) {
            this.target = target;
            this.limit = limit;
            thread = new Thread(() -> drain(process), name + "-stdout");
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(Process process) {
            byte[] chunk = new byte[64 * 1024];
            long written = 0;
            try (InputStream stream = process.getInputStream()) {
                int n;
                while ((n = stream.read(chunk)) >= 0) {
                    if (overflowed || writeFailure != null) {
                        continue; // drained so the program is not blocked while it is being killed
                    }
                    if (written + n > limit) {
                        overflowed = true;
                        killTree(process.toHandle());
                        continue;
                    }
                    try {
                        target.write(chunk, 0, n);
                        written += n;
                    } catch (IOException e) {
                        writeFailure = e;
                        killTree(process.toHandle());
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "reading " + thread.getName() + " stopped: " + e.getMessage());
            }
        }

        void join() {
            ProcessRunner.join(thread);
            if (writeFailure != null) {
                throw new java.io.UncheckedIOException("cannot keep the standard output of " + thread.getName(),
                        writeFailure);
            }
        }

        boolean overflowed() {
            return overflowed;
        }

        byte[] bytes() {
            return target instanceof ByteArrayOutputStream memory ? memory.toByteArray() : new byte[0];
        }
    }
}
