package org.debian.bootc.executor.process;

import java.time.Duration;
import java.util.List;

/**
 * What a finished program left behind.
 *
 * @param output standard output and standard error interleaved as printed (the head dropped past a limit)
 * @param lastLines the last non-blank lines of that output
 */
public record CommandResult(List<String> argv, int exitCode, String output, List<String> lastLines, Duration duration) {

    public CommandResult {
        argv = List.copyOf(argv);
        lastLines = List.copyOf(lastLines);
    }
}
