package org.debian.bootc.publisher.failure;

import org.debian.bootc.events.PublishFault;

/**
 * A phase could not do its work: the stage it failed in, a one-line reason a release
 * engineer can act on (a tool's failure quotes the tool's last lines), and whose fault it
 * is, which {@code image-failed} carries so a retry decision need not parse the reason.
 * One sealed hierarchy, as the executor's {@code BuildFailure}: the compose's inputs at
 * fault ({@link InputRejected}, {@link LintFailure}: the same inputs fail the same way)
 * or the infrastructure ({@link InfrastructureFailure}: a retry may succeed).
 */
public abstract sealed class PublishFailure extends RuntimeException
        permits InputRejected, LintFailure, InfrastructureFailure {

    private final Stage stage;

    protected PublishFailure(Stage stage, String reason, Throwable cause) {
        super(reason, cause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }

    public String reason() {
        return getMessage();
    }

    /** {@code input} when the compose's inputs are at fault, {@code infrastructure} when the publisher's side is. */
    public abstract PublishFault fault();

    /** Whether publishing the same inputs again may succeed. */
    public boolean retryCanHelp() {
        return fault().retryCanHelp();
    }
}
