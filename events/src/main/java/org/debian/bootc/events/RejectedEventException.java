package org.debian.bootc.events;

import java.util.List;

/**
 * The unchecked form of {@link InvalidEventException}, thrown by
 * {@link EventCodec#decodeOrReject}: a consumer lets it propagate, SmallRye nacks
 * the record, and the {@code dead-letter-queue} failure strategy writes
 * {@link #getMessage()} (the one-line {@link #reason()}) into
 * {@link CloudEventHeaders#DLQ_REASON dead-letter-reason}.
 */
public final class RejectedEventException extends RuntimeException {

    public RejectedEventException(InvalidEventException cause) {
        super(cause.reason(), cause);
    }

    /** One line, at most {@value InvalidEventException#MAX_REASON_LENGTH} characters: what is wrong and where. */
    public String reason() {
        return getMessage();
    }

    /** Every problem found, one line each. */
    public List<String> violations() {
        return getCause().violations();
    }

    @Override
    public synchronized InvalidEventException getCause() {
        return (InvalidEventException) super.getCause();
    }
}
