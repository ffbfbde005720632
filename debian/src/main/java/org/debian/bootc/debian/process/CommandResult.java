package org.debian.bootc.debian.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What a finished program left behind.
 *
 * @param exitCode its exit status, one the command accepts
 * @param output its log: standard output and standard error interleaved as printed, or standard error alone
 *        when standard output was kept apart (the head dropped past {@link ProcessRunner#LOG_LIMIT})
 * @param stdout standard output when it was {@linkplain Command#capturingStdout() captured}; otherwise empty
 * @param lastLines the last non-blank lines of the log
 */
public record CommandResult(List<String> argv, int exitCode, String output, byte[] stdout, List<String> lastLines,
        Duration duration) {

    public CommandResult {
        argv = List.copyOf(argv);
        stdout = stdout.clone();
        lastLines = List.copyOf(lastLines);
    }

    /** A copy: the result stays what the program printed. */
    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /**
     * The failure this run is after all, for a caller that accepted the exit status to read the
     * output and then judges it a failure (getfattr exits 1 both for "some file has no
     * attributes" and for "nothing could be read"); it quotes the last lines as any failure does.
     */
    public CommandFailedException failure() {
        return CommandFailedException.exited(argv, exitCode, output, stdoutText(), lastLines, duration);
    }
}
