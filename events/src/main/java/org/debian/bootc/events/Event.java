package org.debian.bootc.events;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * An event record. The record components are the JSON payload; the methods here
 * are routing metadata and never part of it.
 */
public interface Event {

    /** The aggregate id, used as the Kafka record key so one aggregate's events stay in order. */
    @JsonIgnore
    String key();

    @JsonIgnore
    EventType<?> eventType();

    /** The topic this event is published on. */
    @JsonIgnore
    default String topic() {
        return eventType().topic();
    }
}
