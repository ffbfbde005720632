package org.debian.bootc.debian.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One invocation of an external program.
 *
 * <p>By default standard output and standard error are merged into one log, as a build log shows
 * them: each line goes to the {@link LogSink} and the log is kept (its head dropped past a limit) in
 * {@link CommandResult#output()}. A program whose standard output is its answer (an index, a
 * commit id, a key) keeps it apart: {@link #capturingStdout()} keeps it in memory, {@link #withStdoutTo}
 * writes it to a file; the log is then standard error alone.
 *
 * @param argv program and arguments; the program is looked up on {@code PATH}
 * @param environment variables added to (or replacing those of) this JVM's environment
 * @param directory the working directory; empty for this JVM's
 * @param timeout how long it may run before it and its descendants are killed; empty for the runner's default
 * @param stdin when present, the file the program reads as standard input; otherwise /dev/null
 * @param stdout where standard output goes
 * @param acceptedExitCodes exit statuses that are not a failure; empty accepts every status
 */
public record Command(List<String> argv, Map<String, String> environment, Optional<Path> directory,
        Optional<Duration> timeout, Optional<Path> stdin, Stdout stdout, Set<Integer> acceptedExitCodes) {

    /** Standard output kept in memory beyond this fails the run: a parser must not see half an answer. */
    public static final long CAPTURE_LIMIT = 128L * 1024 * 1024;

    /** Where a program's standard output goes. */
    public sealed interface Stdout {

        /** Merged with standard error into the log. */
        record ToLog() implements Stdout {
        }

        /** Kept in memory apart from the log, up to {@code limitBytes}. */
        record Captured(long limitBytes) implements Stdout {
        }

        /** Written to {@code file}; past {@code limitBytes} the program is killed and the run fails. */
        record ToFile(Path file, long limitBytes) implements Stdout {

            public ToFile {
                Objects.requireNonNull(file, "file");
            }
        }
    }

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(timeout, "timeout");
        timeout.ifPresent(Command::checkPositive);
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        if (stdout instanceof Stdout.Captured c && c.limitBytes() <= 0
                || stdout instanceof Stdout.ToFile f && f.limitBytes() <= 0) {
            throw new IllegalArgumentException("an output limit must be positive: " + stdout);
        }
        acceptedExitCodes = Set.copyOf(acceptedExitCodes);
    }

    /** Only exit status 0 is accepted; the output is merged into the log; the runner's default timeout. */
    public static Command of(String... argv) {
        return of(Arrays.asList(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), new Stdout.ToLog(),
                Set.of(0));
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, environment, directory, Optional.of(limit), stdin, stdout, acceptedExitCodes);
    }

    public Command withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(variables);
        return new Command(argv, merged, directory, timeout, stdin, stdout, acceptedExitCodes);
    }

    public Command inDirectory(Path workingDirectory) {
        return new Command(argv, environment, Optional.of(workingDirectory), timeout, stdin, stdout,
                acceptedExitCodes);
    }

    public Command withStdin(Path file) {
        return new Command(argv, environment, directory, timeout, Optional.of(file), stdout, acceptedExitCodes);
    }

    /** Keeps standard output apart from the log, in memory, up to {@link #CAPTURE_LIMIT}. */
    public Command capturingStdout() {
        return withStdout(new Stdout.Captured(CAPTURE_LIMIT));
    }

    /** Writes standard output to {@code file}, however much there is. */
    public Command withStdoutTo(Path file) {
        return withStdoutTo(file, Long.MAX_VALUE);
    }

    /** Writes standard output to {@code file}; a program that writes more than {@code limitBytes} fails. */
    public Command withStdoutTo(Path file, long limitBytes) {
        return withStdout(new Stdout.ToFile(file, limitBytes));
    }

    public Command withStdout(Stdout where) {
        return new Command(argv, environment, directory, timeout, stdin, where, acceptedExitCodes);
    }

    public Command acceptingExitCodes(Integer... codes) {
        if (codes.length == 0) {
            throw new IllegalArgumentException("name the accepted exit codes, or use acceptingAnyExitCode()");
        }
        return new Command(argv, environment, directory, timeout, stdin, stdout, Set.of(codes));
    }

    /** Every exit status is an answer the caller reads; a timeout or a program that cannot start still fails. */
    public Command acceptingAnyExitCode() {
        return new Command(argv, environment, directory, timeout, stdin, stdout, Set.of());
    }

    public boolean accepts(int exitCode) {
        return acceptedExitCodes.isEmpty() || acceptedExitCodes.contains(exitCode);
    }

    /** The program's file name, for messages. */
    public String program() {
        return Path.of(argv.get(0)).getFileName().toString();
    }

    private static void checkPositive(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + limit);
        }
    }
}
