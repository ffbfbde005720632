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
 * @param logLimitChars the most characters of log (standard error, with standard output when it goes to
 *        the log) the program may write before it is killed and the run fails; {@code Long.MAX_VALUE} for none
 * @param tied whether the program runs in private PID and mount namespaces that die with the
 *        service (see {@link #tiedToService()})
 */
public record Command(List<String> argv, Map<String, String> environment, Optional<Path> directory,
        Optional<Duration> timeout, Optional<Path> stdin, Stdout stdout, Set<Integer> acceptedExitCodes,
        boolean tied, long logLimitChars) {

    /**
     * What {@link #tiedToService()} runs a program under: the parent-death signal kills
     * {@code unshare} when the thread that started it (a caller blocked in
     * {@link ProcessRunner#run}) or the whole service dies, even by SIGKILL; {@code unshare}'s
     * child is then killed too, and as PID 1 of its own namespace it takes every process it
     * started with it; the private mount namespace drops every mount they made.
     */
    static final List<String> TIED_LAUNCHER = List.of("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
            "--propagation", "private", "--pid", "--fork", "--kill-child", "--mount-proc", "--");

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
        if (logLimitChars <= 0) {
            throw new IllegalArgumentException("a log limit must be positive: " + logLimitChars);
        }
    }

    /** Only exit status 0 is accepted; the output is merged into the log; the runner's default timeout. */
    public static Command of(String... argv) {
        return of(Arrays.asList(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), new Stdout.ToLog(),
                Set.of(0), false, Long.MAX_VALUE);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, environment, directory, Optional.of(limit), stdin, stdout, acceptedExitCodes,
                tied, logLimitChars);
    }

    public Command withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(variables);
        return new Command(argv, merged, directory, timeout, stdin, stdout, acceptedExitCodes,
                tied, logLimitChars);
    }

    public Command inDirectory(Path workingDirectory) {
        return new Command(argv, environment, Optional.of(workingDirectory), timeout, stdin, stdout,
                acceptedExitCodes,
                tied, logLimitChars);
    }

    public Command withStdin(Path file) {
        return new Command(argv, environment, directory, timeout, Optional.of(file), stdout, acceptedExitCodes,
                tied, logLimitChars);
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
        return new Command(argv, environment, directory, timeout, stdin, where, acceptedExitCodes,
                tied, logLimitChars);
    }

    public Command acceptingExitCodes(Integer... codes) {
        if (codes.length == 0) {
            throw new IllegalArgumentException("name the accepted exit codes, or use acceptingAnyExitCode()");
        }
        return new Command(argv, environment, directory, timeout, stdin, stdout, Set.of(codes), tied, logLimitChars);
    }

    /** Every exit status is an answer the caller reads; a timeout or a program that cannot start still fails. */
    public Command acceptingAnyExitCode() {
        return new Command(argv, environment, directory, timeout, stdin, stdout, Set.of(), tied, logLimitChars);
    }

    /**
     * Runs the program in private PID and mount namespaces that end with it, killed with the
     * service: a service killed by SIGKILL (as Kubernetes does past the grace period) leaves
     * neither a running program nor a mount behind (mmdebstrap's {@code /proc}, {@code /sys} and
     * {@code /dev} mounts in a root file system it was making). Needs root (or a user namespace
     * with {@code CAP_SYS_ADMIN}), as mounting does.
     */
    public Command tiedToService() {
        return new Command(argv, environment, directory, timeout, stdin, stdout, acceptedExitCodes, true, logLimitChars);
    }

    /** Kills the program and fails the run once its log passes {@code chars} characters (a build filling a disk with log). */
    public Command withLogLimit(long chars) {
        return new Command(argv, environment, directory, timeout, stdin, stdout, acceptedExitCodes, tied, chars);
    }

    /** The argument vector the runner starts: {@link #argv()}, behind the launcher when it is tied to the service. */
    public List<String> launchArgv() {
        if (!tied) {
            return argv;
        }
        List<String> all = new java.util.ArrayList<>(TIED_LAUNCHER);
        all.addAll(argv);
        return List.copyOf(all);
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
