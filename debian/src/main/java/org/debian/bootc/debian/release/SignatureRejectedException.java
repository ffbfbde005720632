package org.debian.bootc.debian.release;

import java.util.List;

/** gpgv's verdict on an InRelease is not apt's "trusted": why, and what gpgv said. */
public final class SignatureRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final List<String> gpgv;

    /**
     * @param reason e.g. "BAD signature from key 78DBA3BC47EF2265"
     * @param gpgv gpgv's last lines on stderr, without its {@code gpgv: } prefix
     */
    public SignatureRejectedException(String reason, List<String> gpgv) {
        super(reason);
        this.reason = reason;
        this.gpgv = List.copyOf(gpgv);
    }

    public String reason() {
        return reason;
    }

    public List<String> gpgv() {
        return gpgv;
    }
}
