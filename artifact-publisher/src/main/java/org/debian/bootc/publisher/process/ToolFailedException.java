package org.debian.bootc.publisher.process;

import java.util.List;

/** An external tool exited non-zero, timed out or could not start; the message quotes its last lines. */
public class ToolFailedException extends RuntimeException {

    private final String tool;
    private final int exitCode;
    private final String lastLines;

    public ToolFailedException(List<String> command, int exitCode, String lastLines) {
        super(command.get(0) + (exitCode >= 0 ? " exited " + exitCode : " failed") + ": " + lastLines);
        this.tool = command.get(0);
        this.exitCode = exitCode;
        this.lastLines = lastLines;
    }

    public String tool() {
        return tool;
    }

    /** The exit code, or -1 when the tool timed out or did not start. */
    public int exitCode() {
        return exitCode;
    }

    public String lastLines() {
        return lastLines;
    }
}
