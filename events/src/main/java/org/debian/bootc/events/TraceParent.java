package org.debian.bootc.events;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A W3C Trace Context {@code traceparent} value ({@code 00-<trace-id>-<parent-id>-<flags>}),
 * carried in the Kafka header {@link CloudEventHeaders#TRACEPARENT} so that every event
 * about one compose belongs to one trace. Services that publish through an outbox copy
 * it by hand: the record leaves long after the span that caused it has ended.
 *
 * @param traceId 32 lower-case hex digits, not all zero: the same for every event of a compose
 * @param parentId 16 lower-case hex digits, not all zero: the span that wrote the event
 * @param flags 2 hex digits ({@code 01}: sampled)
 */
public record TraceParent(String traceId, String parentId, String flags) {

    private static final Pattern VALUE = Pattern.compile("^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
    private static final Pattern TRACE_ID = Pattern.compile("^[0-9a-f]{32}$");
    private static final Pattern PARENT_ID = Pattern.compile("^[0-9a-f]{16}$");
    private static final Pattern FLAGS = Pattern.compile("^[0-9a-f]{2}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    public TraceParent {
        check("trace id", traceId, TRACE_ID, 32);
        check("parent id", parentId, PARENT_ID, 16);
        if (flags == null || !FLAGS.matcher(flags).matches()) {
            throw new IllegalArgumentException("traceparent flags " + Texts.quote(flags) + " are not 2 lower-case hex digits");
        }
    }

    /**
     * Parses a header value, or explains in the exception's message (naming the header,
     * the value and why) why it is not a version-00 {@code traceparent}.
     */
    public static TraceParent parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("header " + CloudEventHeaders.TRACEPARENT + " is missing");
        }
        var m = VALUE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("header " + CloudEventHeaders.TRACEPARENT + " " + Texts.quote(value)
                    + " is not a W3C traceparent (00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>)");
        }
        try {
            return new TraceParent(m.group(1), m.group(2), m.group(3));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("header " + CloudEventHeaders.TRACEPARENT + " " + Texts.quote(value)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The trace context of a record: its last {@code traceparent} header if it holds a valid
     * value, else empty. W3C Trace Context says a receiver ignores an invalid value and
     * starts a new trace rather than rejecting the request; callers log the reason, which
     * {@link #parse(String)} gives.
     */
    public static Optional<TraceParent> fromHeaders(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(CloudEventHeaders.TRACEPARENT);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(new String(header.value(), StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A new trace (random trace and parent ids, sampled): the start of a compose's trace. */
    public static TraceParent newTrace() {
        return new TraceParent(randomHex(16), randomHex(8), "01");
    }

    /** The same trace with a new parent id: what a service writes on an event it causes. */
    public TraceParent child() {
        return new TraceParent(traceId, randomHex(8), flags);
    }

    /** The header value. */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static void check(String field, String value, Pattern pattern, int digits) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("traceparent " + field + " " + Texts.quote(value) + " is not "
                    + digits + " lower-case hex digits");
        }
        if (value.chars().allMatch(c -> c == '0')) {
            throw new IllegalArgumentException("traceparent " + field + " " + Texts.quote(value) + " is all zeros, which W3C Trace Context forbids");
        }
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            RANDOM.nextBytes(b);
        } while (allZero(b));
        return HexFormat.of().formatHex(b);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
