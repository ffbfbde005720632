package org.debian.bootc.executor.failure;

import java.time.Duration;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;

/** Real failed commands (a shell printing the given text), so diagnoses are tested on the runner's own exceptions. */
final class TestFailures {

    private TestFailures() {
    }

    static CommandFailedException failed(int status, String output) {
        try {
            new ProcessRunner().run(Command.of("sh", "-c", "printf '%s\\n' \"$1\"; exit " + status, "fail", output),
                    LogSink.NONE);
        } catch (CommandFailedException e) {
            return e;
        }
        throw new AssertionError("did not fail");
    }

    static CommandFailedException timedOut(String output) {
        try {
            new ProcessRunner().run(Command.of("sh", "-c", "printf '%s\\n' \"$1\"; sleep 30", "slow", output)
                    .withTimeout(Duration.ofMillis(300)), LogSink.NONE);
        } catch (CommandFailedException e) {
            return e;
        }
        throw new AssertionError("did not time out");
    }
}
