package org.debian.bootc.planner.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.Topics;
import org.debian.bootc.messaging.OutboxListener;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts a published compose-status event by its new status: the planner's compose
 * transitions, counted once committed and sent (a re-send after a crash counts in the
 * new process, whose counters start at zero).
 */
@ApplicationScoped
public class ComposeStatusCounter implements OutboxListener {

    /** Counter of compose status transitions published, tag {@code status} (docs/observability.md). */
    public static final String STATUS_CHANGES = "bootc.planner.compose.status.changes";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry registry;

    public ComposeStatusCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void published(String topic, String payload) {
        if (!Topics.COMPOSE_STATUS.equals(topic)) {
            return;
        }
        String status;
        try {
            status = JSON.readTree(payload).path("newStatus").asText("unknown");
        } catch (Exception e) {
            status = "unknown";
        }
        registry.counter(STATUS_CHANGES, "status", status).increment();
    }
}
