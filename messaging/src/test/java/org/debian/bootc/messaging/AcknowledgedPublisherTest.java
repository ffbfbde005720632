package org.debian.bootc.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import org.debian.bootc.events.CloudEventHeaders;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.events.Topics;
import org.debian.bootc.events.TraceParent;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

class AcknowledgedPublisherTest {

    private static final ComposeId COMPOSE = ComposeId.of("minimal", "1", LocalDate.of(2026, 12, 7), ComposeType.CI, 0);
    private static final ComposeStatusChanged STARTED = new ComposeStatusChanged(COMPOSE, new RequestId("req-1"), null,
            ComposeStatus.STARTED, "planned", List.of());

    private final List<ProducerRecord<String, byte[]>> sent = new ArrayList<>();

    @Test
    void theRecordIsKeyedByTheComposeAndCarriesANewSpanInTheCausesTrace() {
        TraceParent cause = TraceParent.newTrace();

        new AcknowledgedPublisher(new EventCodec(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES))
                .send(channel(() -> Uni.createFrom().voidItem()), STARTED, "/compose-planner", cause)
                .await().atMost(Duration.ofSeconds(5));

        assertEquals(1, sent.size());
        ProducerRecord<String, byte[]> record = sent.get(0);
        assertEquals(Topics.COMPOSE_STATUS, record.topic());
        assertEquals(COMPOSE.value(), record.key());
        assertEquals("/compose-planner", header(record, CloudEventHeaders.SOURCE));
        TraceParent child = TraceParent.parse(header(record, CloudEventHeaders.TRACEPARENT));
        assertEquals(cause.traceId(), child.traceId());
        assertNotEquals(cause.parentId(), child.parentId());
    }

    @Test
    void withoutACauseTheRecordHasNoTraceparent() {
        new AcknowledgedPublisher(new EventCodec(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES))
                .send(channel(() -> Uni.createFrom().voidItem()), STARTED, "/compose-planner", null)
                .await().atMost(Duration.ofSeconds(5));

        assertNull(header(sent.get(0), CloudEventHeaders.TRACEPARENT));
    }

    @Test
    void aBrokerThatDoesNotAcknowledgeFailsThePublish() {
        Uni<Void> send = new AcknowledgedPublisher(new EventCodec(EventCodec.DEFAULT_MAX_PAYLOAD_BYTES))
                .send(channel(() -> Uni.createFrom().failure(new IllegalStateException("broker down"))), STARTED,
                        "/compose-planner", null);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> send.await().atMost(Duration.ofSeconds(5)));
        assertEquals("broker down", e.getMessage());
    }

    @Test
    void anEventOverThePayloadLimitFailsThePublishAndSendsNothing() {
        Uni<Void> send = new AcknowledgedPublisher(new EventCodec(16))
                .send(channel(() -> Uni.createFrom().voidItem()), STARTED, "/compose-planner", null);

        RuntimeException e = assertThrows(RuntimeException.class, () -> send.await().atMost(Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
        assertEquals(List.of(), sent);
    }

    /** A channel that records what is sent and answers each send with {@code ack}. */
    @SuppressWarnings("unchecked")
    private MutinyEmitter<ProducerRecord<String, byte[]>> channel(Supplier<Uni<Void>> ack) {
        return (MutinyEmitter<ProducerRecord<String, byte[]>>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { MutinyEmitter.class }, (proxy, method, args) -> {
                    if (method.getName().equals("send") && args.length == 1 && args[0] instanceof ProducerRecord) {
                        sent.add((ProducerRecord<String, byte[]>) args[0]);
                        return ack.get();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
