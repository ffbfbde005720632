package org.debian.bootc.debian.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * An external program failed. {@link #reason()} says how; the message names the program and quotes
 * its last lines (of the log, or of its standard output when the log is empty). Each service turns
 * it into its own failure: the executor into a {@code BuildFailure}, the planner into "cannot plan
 * against the archive", the publisher into its phase's failure.
 */
public final class CommandFailedException extends RuntimeException {

    /** How a program failed. */
    public enum Reason {
        /** It never ran: not found, not executable, or the working directory is missing. */
        COULD_NOT_START,
        /** It ran past its timeout and was killed with everything it started. */
        TIMED_OUT,
        /** The thread waiting for it was interrupted (the caller was cancelled); it was killed likewise. */
        INTERRUPTED,
        /** It wrote more standard output than the command allows; it was killed likewise. */
        OUTPUT_LIMIT,
        /** It exited (or was killed by a signal) with a status the command does not accept. */
        EXIT_STATUS
    }

    private final Reason reason;
    private final List<String> argv;
    private final Integer exitCode;
    private final String output;
    private final List<String> lastLines;
    private final Duration duration;

    CommandFailedException(Reason reason, String summary, List<String> argv, Integer exitCode, String output,
            List<String> lastLines, Duration duration) {
        super(lastLines.isEmpty() ? summary + " (no output)" : summary + ":\n  " + String.join("\n  ", lastLines));
        this.reason = reason;
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.output = output;
        this.lastLines = List.copyOf(lastLines);
        this.duration = duration;
    }

    /** A program that exited with {@code status}, quoting its log, or its standard output when the log is empty. */
    static CommandFailedException exited(List<String> argv, int status, String output, String stdout,
            List<String> logLines, Duration duration) {
        String program = program(argv);
        String summary = status > 128 ? program + " was killed by signal " + (status - 128)
                : program + " exited with status " + status;
        List<String> quoted = logLines.isEmpty() ? lastLines(stdout, ProcessRunner.QUOTED_LINES) : logLines;
        return new CommandFailedException(Reason.EXIT_STATUS, summary, argv, status, output, quoted, duration);
    }

    public Reason reason() {
        return reason;
    }

    public List<String> argv() {
        return argv;
    }

    /** The program's file name. */
    public String program() {
        return program(argv);
    }

    /** Empty when the program did not exit by itself (could not start, or was killed by this runner). */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    public boolean timedOut() {
        return reason == Reason.TIMED_OUT;
    }

    /** Its log as far as it was read (the head dropped past {@link ProcessRunner#LOG_LIMIT}). */
    public String output() {
        return output;
    }

    /** The lines the message quotes, oldest first. */
    public List<String> lastLines() {
        return lastLines;
    }

    public Duration duration() {
        return duration;
    }

    /** The last {@code n} non-blank lines of {@code text}, trailing blanks stripped, oldest first. */
    public static List<String> lastLines(String text, int n) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.stripTrailing());
            }
        }
        return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    static String program(List<String> argv) {
        return Path.of(argv.get(0)).getFileName().toString();
    }
}
