package org.debian.bootc.debian.release;

/** A Release file that parses as deb822 but lacks what a Release must say (Date, the SHA256 table) or says it wrongly. */
public final class InvalidReleaseException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong, e.g. "it has no Date field" */
    public InvalidReleaseException(String reason) {
        super(reason);
    }

    public String reason() {
        return getMessage();
    }
}
