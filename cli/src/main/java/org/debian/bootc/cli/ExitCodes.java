package org.debian.bootc.cli;

/**
 * The exit codes of every command (docs/cli.md). Scripts branch on them, so they
 * never change meaning; bin/deb-bootc-compose ends with compose submit's.
 */
public final class ExitCodes {

    /** The command did what it was asked; a watched compose ended FINISHED. */
    public static final int OK = 0;
    /** A watched compose ended DOOMED or FINISHED_INCOMPLETE, or a followed task did not succeed. */
    public static final int FAILED = 1;
    /** Rejected or bad input: a manifest, id, status, file or token the service or the CLI refused. */
    public static final int BAD_INPUT = 2;
    /** A service or the broker did not answer, or a wait ran past its --timeout. */
    public static final int UNREACHABLE = 3;
    /** The command line itself is wrong: an unknown option or subcommand, a missing parameter (sysexits EX_USAGE). */
    public static final int USAGE = 64;
    /** An error the CLI did not expect: a bug, printed with its stack trace (sysexits EX_SOFTWARE). */
    public static final int SOFTWARE = 70;

    private ExitCodes() {
    }
}
