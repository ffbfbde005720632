package org.debian.bootc.planner.service;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.TraceParent;

/**
 * Where a compose's trace starts: the request's {@code traceparent} (Kafka header or
 * HTTP header) when it has a valid one, otherwise a new trace. An invalid value does not
 * reject the request: W3C Trace Context says to ignore it and start afresh, so the reason
 * is logged and a new trace begins.
 */
public final class ComposeTraces {

    private static final Logger LOG = Logger.getLogger(ComposeTraces.class);

    private ComposeTraces() {
    }

    /** The last {@code traceparent} header's text, or null. */
    public static String header(Headers headers) {
        Header header = headers.lastHeader(CloudEventHeaders.TRACEPARENT);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * @param value the request's {@code traceparent}, or null
     * @param what names the request in the log line (its event or request id)
     */
    public static TraceParent continueOrStart(String value, String what) {
        if (value == null || value.isBlank()) {
            return TraceParent.newTrace();
        }
        try {
            return TraceParent.parse(value.strip());
        } catch (IllegalArgumentException e) {
            TraceParent fresh = TraceParent.newTrace();
            LOG.warnf("request %s: %s; starting a new trace %s", what, e.getMessage(), fresh.traceId());
            return fresh;
        }
    }
}
