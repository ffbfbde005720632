package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceParentTest {

    private static final String VALUE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void parsesAndPrintsTheW3cExample() {
        TraceParent parent = TraceParent.parse(VALUE);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parent.traceId());
        assertEquals("00f067aa0ba902b7", parent.parentId());
        assertEquals("01", parent.flags());
        assertEquals(VALUE, parent.toString());
    }

    @Test
    void childKeepsTheTraceAndChangesTheParent() {
        TraceParent parent = TraceParent.parse(VALUE);
        TraceParent child = parent.child();
        assertEquals(parent.traceId(), child.traceId());
        assertEquals(parent.flags(), child.flags());
        assertNotEquals(parent.parentId(), child.parentId());
        assertEquals(child, TraceParent.parse(child.toString()));
    }

    @Test
    void newTracesDiffer() {
        TraceParent a = TraceParent.newTrace();
        TraceParent b = TraceParent.newTrace();
        assertNotEquals(a.traceId(), b.traceId());
        assertEquals("01", a.flags());
    }

    @Test
    void rejectsMalformedValuesNamingHeaderValueAndWhy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TraceParent.parse("abc"));
        assertEquals("header traceparent 'abc' is not a W3C traceparent "
                + "(00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TraceParent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
        assertTrue(e.getMessage().contains("trace id '00000000000000000000000000000000' is all zeros"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TraceParent.parse(null));
        assertEquals("header traceparent is missing", e.getMessage());
    }

    @Test
    void fromHeadersIgnoresAnInvalidValueAsW3cSays() {
        RecordHeaders headers = new RecordHeaders();
        assertTrue(TraceParent.fromHeaders(headers).isEmpty());
        headers.add(CloudEventHeaders.TRACEPARENT, "00-XYZ".getBytes(StandardCharsets.UTF_8));
        assertTrue(TraceParent.fromHeaders(headers).isEmpty());
        headers.add(CloudEventHeaders.TRACEPARENT, VALUE.getBytes(StandardCharsets.UTF_8));
        assertEquals(VALUE, TraceParent.fromHeaders(headers).orElseThrow().toString());
    }
}
