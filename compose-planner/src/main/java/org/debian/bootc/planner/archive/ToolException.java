package org.debian.bootc.planner.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * An external program failed: it could not start, ran past its timeout, or exited
 * with a status its caller does not accept. The message quotes its last lines.
 */
public final class ToolException extends RuntimeException {

    /** How many lines of output a message quotes. */
    public static final int QUOTED_LINES = 12;

    private final List<String> argv;
    private final Integer exitCode;
    private final String stdout;
    private final String stderr;
    private final boolean timedOut;

    ToolException(List<String> argv, Integer exitCode, String stdout, String stderr, boolean timedOut,
            String summary) {
        super(quote(summary, stdout, stderr));
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.timedOut = timedOut;
    }

    public List<String> argv() {
        return argv;
    }

    /** Empty when the program did not exit by itself (could not start, or was killed at the timeout). */
    public OptionalInt exitCode() {
        return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
    }

    public String stdout() {
        return stdout;
    }

    public String stderr() {
        return stderr;
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** The last {@code n} non-blank lines of standard error, or of standard output when standard error is empty. */
    public List<String> lastLines(int n) {
        return lastLines(stderr.isBlank() ? stdout : stderr, n);
    }

    static List<String> lastLines(String text, int n) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.stripTrailing());
            }
        }
        return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    private static String quote(String summary, String stdout, String stderr) {
        List<String> last = lastLines(stderr.isBlank() ? stdout : stderr, QUOTED_LINES);
        if (last.isEmpty()) {
            return summary + " (no output)";
        }
        return summary + ":\n  " + String.join("\n  ", last);
    }
}
