package org.debian.bootc.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.TraceParent;

class OutboxRowTest {

    private static final OutgoingEvent EVENT = new EventCodec(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES).encode(
            new ComposeStatusChanged(ComposeId.of("minimal", "1", LocalDate.of(2026, 12, 7), ComposeType.CI, 0),
                    new RequestId("req-1"), null, ComposeStatus.STARTED, "planned", List.of()),
            "/task-scheduler");

    @Test
    void aRowHoldsTheEventsHeadersInOrderAndANewSpanInTheComposesTrace() throws Exception {
        TraceParent compose = TraceParent.newTrace();

        OutboxRow row = OutboxRow.of(EVENT, compose);

        Map<String, String> headers = new ObjectMapper().readValue(row.headers(), new TypeReference<Map<String, String>>() {
        });
        assertEquals(List.of("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_time", "content-type",
                CloudEventHeaders.TRACEPARENT), List.copyOf(headers.keySet()));
        assertEquals(compose.traceId(), TraceParent.parse(headers.get(CloudEventHeaders.TRACEPARENT)).traceId());
        assertEquals(EVENT.id(), row.eventId());
        assertEquals(EVENT.key(), row.key());
    }

    @Test
    void aRowOfAnEventWithoutATraceHasOnlyTheCloudEventsHeaders() throws Exception {
        Map<String, String> headers = new ObjectMapper().readValue(OutboxRow.of(EVENT, null).headers(),
                new TypeReference<Map<String, String>>() {
                });

        assertEquals(EVENT.headers(), headers);
        assertFalse(headers.containsKey(CloudEventHeaders.TRACEPARENT));
    }

    @Test
    void theValuesFollowTheInsertsColumns() {
        OutboxRow row = OutboxRow.of(EVENT, null);

        assertEquals("insert into outbox (event_id, topic, msg_key, headers, payload) values", OutboxRow.INSERT);
        assertArrayEquals(new Object[] { EVENT.id(), EVENT.topic(), EVENT.key(), row.headers(), EVENT.payloadText() },
                row.values());
        assertArrayEquals(EVENT.payload(), row.payload().getBytes(StandardCharsets.UTF_8));
    }
}
