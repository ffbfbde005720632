package org.debian.bootc.publisher.phase;

/**
 * A phase could not do its work: the stage it failed in and a one-line reason a
 * release engineer can act on (a tool's failure quotes the tool's last lines).
 */
public class PhaseFailedException extends RuntimeException {

    private final Stage stage;

    public PhaseFailedException(Stage stage, String reason) {
        super(reason);
        this.stage = stage;
    }

    public PhaseFailedException(Stage stage, String reason, Throwable cause) {
        super(reason, cause);
        this.stage = stage;
    }

    public Stage stage() {
        return stage;
    }

    public String reason() {
        return getMessage();
    }
}
