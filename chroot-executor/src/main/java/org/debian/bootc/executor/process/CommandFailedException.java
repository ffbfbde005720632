package org.debian.bootc.executor.process;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * An external program failed: it could not start, ran past its timeout, or exited
 * non-zero. The message quotes its last lines; callers turn it into the
 * {@link org.debian.bootc.executor.failure.BuildFailure} that fits the stage.
 */
public final class CommandFailedException extends RuntimeException {

    private final List<String> argv;
    private final Integer exitCode;
    private final boolean timedOut;
    private final String output;
    private final List<String> lastLines;
    private final Duration duration;

    CommandFailedException(String summary, List<String> argv, Integer exitCode, boolean timedOut, String output,
            List<String> lastLines, Duration duration) {
        super(lastLines.isEmpty() ? summary + " (no output)" : summary + ":\n  " + String.join("\n  ", lastLines));
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.timedOut = timedOut;
        this.output = output;
        this.lastLines = List.copyOf(lastLines);
        this.duration = duration;
    }

    public List<String> argv() {
        return argv;
    }

    /** Empty when the program did not exit by itself (could not start, or was killed). */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** Everything it printed (the head dropped past the capture limit). */
    public String output() {
        return output;
    }

    public List<String> lastLines() {
        return lastLines;
    }

    public Duration duration() {
        return duration;
    }
}
