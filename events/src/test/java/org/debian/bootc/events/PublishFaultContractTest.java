package org.debian.bootc.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code fault} field added to image-failed in v1: optional both ways. An
 * image-failed without it (an older publisher's) still decodes, with no fault; one with
 * it says whether a retry can help.
 */
class PublishFaultContractTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2025-01-31T12:00:00Z");

    private static ObjectNode payload(Event event) throws Exception {
        return (ObjectNode) JSON.readTree(CODEC.encode(event, "/test", "id-1", TIME).payload());
    }

    private static ImagePublishFailed decode(JsonNode payload) throws Exception {
        EventType<ImagePublishFailed> type = EventType.IMAGE_PUBLISH_FAILED;
        Map<String, String> headers = Map.of(CloudEventHeaders.SPECVERSION, "1.0", CloudEventHeaders.ID, "id-1",
                CloudEventHeaders.TYPE, type.ceType(), CloudEventHeaders.SOURCE, "/test");
        return CODEC.decode(type, headers, JSON.writeValueAsBytes(payload)).payload();
    }

    @Test
    void aFailureWithItsFaultRoundTrips() throws Exception {
        ImagePublishFailed failed = new ImagePublishFailed(Samples.COMPOSE_ID, "amd64", "debian/bookworm/amd64/minimal",
                "push", "skopeo exited 1: connection refused", PublishFault.INFRASTRUCTURE);

        ObjectNode payload = payload(failed);

        assertEquals("infrastructure", payload.get("fault").asText());
        ImagePublishFailed back = decode(payload);
        assertEquals(failed, back);
        assertTrue(back.fault().retryCanHelp());
    }

    @Test
    void anOlderPublishersImageFailedWithoutFaultDecodesWithNone() throws Exception {
        ObjectNode payload = payload(Samples.imagePublishFailed());
        payload.remove("fault");

        ImagePublishFailed failed = decode(payload);

        assertNull(failed.fault());
        assertEquals("lint", failed.stage());
    }

    @Test
    void aNullFaultReadsAsNoneAndIsNotWritten() throws Exception {
        ObjectNode payload = payload(Samples.imagePublishFailed());
        payload.putNull("fault");
        assertNull(decode(payload).fault());

        ImagePublishFailed withoutFault = new ImagePublishFailed(Samples.COMPOSE_ID, "amd64",
                "debian/bookworm/amd64/minimal", "lint", "var-run: /var/run is a directory");
        assertFalse(payload(withoutFault).has("fault"), "a null fault is not written");
        assertNull(withoutFault.fault());
    }

    @Test
    void anInputFaultSaysARetryCannotHelp() {
        assertFalse(PublishFault.INPUT.retryCanHelp());
        assertEquals(PublishFault.INPUT, Samples.imagePublishFailed().fault());
    }

    @Test
    void anUnknownFaultIsRefusedNamingThePointer() throws Exception {
        ObjectNode payload = payload(Samples.imagePublishFailed());
        payload.put("fault", "cosmic-rays");

        InvalidEventException e = assertThrows(InvalidEventException.class, () -> decode(payload));

        assertTrue(e.getMessage().contains("/fault"), e.getMessage());
    }
}
