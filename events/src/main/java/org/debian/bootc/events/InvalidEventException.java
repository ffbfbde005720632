package org.debian.bootc.events;

import java.util.List;

/**
 * A record that is not a valid event of the expected type. A consumer sends it to
 * the topic's dead-letter topic and goes on; nacking with this exception makes
 * SmallRye put {@link #reason()} (the exception message) in the
 * {@link CloudEventHeaders#DLQ_REASON dead-letter-reason} header.
 */
public class InvalidEventException extends Exception {

    /** Longest {@link #reason()}, in characters. */
    public static final int MAX_REASON_LENGTH = 1000;

    private final String reason;
    private final List<String> violations;
    private final List<Violation> payloadViolations;

    /** A problem with the record as a whole (a header, the size, the JSON syntax). */
    public InvalidEventException(String reason) {
        this(reason, List.of(), null);
    }

    /**
     * Problems located in the payload.
     *
     * @param summary what failed, e.g. {@code payload does not match schema compose-requested.v1}
     * @param payloadViolations each problem with its JSON Pointer
     */
    public InvalidEventException(String summary, List<Violation> payloadViolations, Throwable cause) {
        super(reasonOf(summary, payloadViolations), cause);
        this.payloadViolations = List.copyOf(payloadViolations);
        this.reason = getMessage();
        this.violations = payloadViolations.isEmpty()
                ? List.of(Texts.oneLine(summary))
                : payloadViolations.stream().map(Violation::toString).toList();
    }

    /**
     * What is wrong, on one line of at most {@value #MAX_REASON_LENGTH} characters:
     * the header or JSON Pointer, the value and why. Fit for a Kafka header.
     */
    public String reason() {
        return reason;
    }

    /** Every problem found, one line each, not shortened; a header or syntax problem gives one entry. */
    public List<String> violations() {
        return violations;
    }

    /** The problems located in the payload (schema or binding), with pointer and value; empty otherwise. */
    public List<Violation> payloadViolations() {
        return payloadViolations;
    }

    private static String reasonOf(String summary, List<Violation> violations) {
        StringBuilder text = new StringBuilder(Texts.oneLine(summary));
        if (!violations.isEmpty()) {
            text.append(": ");
            for (int i = 0; i < violations.size(); i++) {
                text.append(i == 0 ? "" : "; ").append(Texts.oneLine(violations.get(i).toString()));
            }
        }
        return Texts.shorten(text.toString(), MAX_REASON_LENGTH);
    }
}
