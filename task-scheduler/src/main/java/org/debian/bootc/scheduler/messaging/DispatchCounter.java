package org.debian.bootc.scheduler.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.debian.bootc.events.Topics;
import org.debian.bootc.messaging.OutboxListener;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts published dispatches (and among them retries, attempts that supersede an
 * earlier one) and cancellations, once the broker has them.
 */
@ApplicationScoped
public class DispatchCounter implements OutboxListener {

    /** Counter of build tasks dispatched, tag {@code architecture} (docs/observability.md). */
    public static final String DISPATCHES = "bootc.scheduler.dispatches";
    /** Counter of dispatches of an attempt after the first: each supersedes the one before. */
    public static final String RETRIES = "bootc.scheduler.retries";
    /** Counter of build-task cancellations sent (an attempt superseded, or its compose cancelled). */
    public static final String CANCELLATIONS = "bootc.scheduler.cancellations";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry registry;

    public DispatchCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void published(String topic, String payload) {
        if (topic.startsWith(Topics.BUILD_TASKS_PREFIX)) {
            String architecture = topic.substring(Topics.BUILD_TASKS_PREFIX.length());
            registry.counter(DISPATCHES, "architecture", architecture).increment();
            if (attempt(payload) > 1) {
                registry.counter(RETRIES, "architecture", architecture).increment();
            }
        } else if (Topics.BUILD_CANCELLATIONS.equals(topic)) {
            registry.counter(CANCELLATIONS).increment();
        }
    }

    private static int attempt(String payload) {
        try {
            return JSON.readTree(payload).path("attempt").asInt(0);
        } catch (Exception e) {
            return 0;
        }
    }
}
