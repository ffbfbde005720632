package org.debian.bootc.planner.service;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.debian.bootc.events.ComposePlan;
import org.debian.bootc.events.EventCodec;

/** The stored form of a compose's plan: the JSON compose-planned carried. */
final class PlanJson {

    private PlanJson() {
    }

    static String write(EventCodec codec, ComposePlan plan) {
        try {
            return codec.mapper().writeValueAsString(plan);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan always serialises", e);
        }
    }

    static ComposePlan read(EventCodec codec, String json) {
        try {
            return codec.mapper().readValue(json, ComposePlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored plan does not read back: " + e.getMessage(), e);
        }
    }
}
