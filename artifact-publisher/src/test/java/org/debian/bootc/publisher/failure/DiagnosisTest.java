package org.debian.bootc.publisher.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.PublishFault;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;

/** Whose fault a failed tool is: what image-failed's {@code fault} tells a retry decision. */
class DiagnosisTest {

    private static final ProcessRunner RUNNER = new ProcessRunner(Duration.ofSeconds(30));

    /** A real failure of the runner: a program that prints {@code lastLines} on stderr and exits {@code exitCode}. */
    private static CommandFailedException failed(String program, int exitCode, String lastLines) {
        return failedRun(Command.of("sh", "-c", "printf '%s\\n' \"$1\" >&2; exit " + exitCode, program, lastLines));
    }

    private static CommandFailedException failedRun(Command command) {
        try {
            RUNNER.run(command);
        } catch (CommandFailedException e) {
            return e;
        }
        throw new AssertionError(command + " did not fail");
    }

    private static CommandFailedException mmdebstrap(int exitCode, String lastLines) {
        return failed("mmdebstrap", exitCode, lastLines);
    }

    @Test
    void aPackageSetAptCannotInstallIsTheInputsFaultAndARetryCannotHelp() {
        CommandFailedException e = mmdebstrap(1, "The following packages have unmet dependencies:\n"
                + " hello : Depends: libc6 (>= 2.99) but 2.36-9 is to be installed");

        PublishFailure failure = Diagnosis.tool(Stage.ROOTFS, e);

        assertInstanceOf(InputRejected.class, failure);
        assertEquals(PublishFault.INPUT, failure.fault());
        assertFalse(failure.retryCanHelp());
        assertEquals(Stage.ROOTFS, failure.stage());
        assertEquals(e.getMessage(), failure.reason(), "the reason still quotes the tool's last lines");
        assertSame(e, failure.getCause());
    }

    @Test
    void aVersionTheArchiveDoesNotHaveIsTheInputsFault() {
        assertEquals(PublishFault.INPUT, Diagnosis.tool(Stage.ROOTFS,
                mmdebstrap(100, "E: Version '2.10-3' for 'hello' was not found")).fault());
        assertEquals(PublishFault.INPUT, Diagnosis.tool(Stage.ROOTFS,
                mmdebstrap(100, "E: Unable to locate package no-such-package")).fault());
    }

    @Test
    void anUnreachableArchiveIsInfrastructureEvenWhenAptThenMissesPackages() {
        PublishFailure failure = Diagnosis.tool(Stage.ROOTFS, mmdebstrap(100,
                "W: Failed to fetch http://archive.invalid/debian/dists/bookworm/InRelease  Temporary failure resolving"
                        + " 'archive.invalid'\nE: Unable to locate package hello"));

        assertInstanceOf(InfrastructureFailure.class, failure);
        assertTrue(failure.retryCanHelp());
    }

    @Test
    void aFullDiskIsInfrastructure() {
        assertEquals(PublishFault.INFRASTRUCTURE, Diagnosis.tool(Stage.OSTREE, failed(
                "ostree", 1, "error: Writing content object: No space left on device")).fault());
    }

    @Test
    void aToolThatTimedOutIsInfrastructureWhateverItPrinted() {
        PublishFailure failure = Diagnosis.tool(Stage.ROOTFS, failedRun(Command.of("sh", "-c",
                "echo 'The following packages have unmet dependencies:' >&2; exec sleep 30")
                .withTimeout(Duration.ofMillis(300))));

        assertEquals(PublishFault.INFRASTRUCTURE, failure.fault());
    }

    @Test
    void aToolFailureNotRecognisedIsInfrastructureSoARetryIsNotRuledOut() {
        PublishFailure failure = Diagnosis.tool(Stage.PUSH, failed("skopeo", 1,
                "time=\"...\" level=fatal msg=\"writing blob: unexpected status 502\""));

        assertEquals(PublishFault.INFRASTRUCTURE, failure.fault());
        assertEquals(Stage.PUSH, failure.stage());
    }

    @Test
    void aBrokenLintRuleIsTheInputsFault() {
        LintFailure failure = new LintFailure("var-run", "/var/run is not a symlink");

        assertEquals(Stage.LINT, failure.stage());
        assertEquals(PublishFault.INPUT, failure.fault());
        assertEquals("lint rule var-run: /var/run is not a symlink", failure.reason());
    }
}
