package org.debian.bootc.cli;

/**
 * A failure the command reports in one line and ends with: the message names the
 * value at fault and why, the exit code says which kind ({@link ExitCodes}).
 */
public class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Bad input: a value the user gave, named with why it is wrong. */
    public static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message);
    }

    /** A service or the broker did not answer. */
    public static CliException unreachable(String message, Throwable cause) {
        return new CliException(ExitCodes.UNREACHABLE, message, cause);
    }
}
