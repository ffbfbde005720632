package org.debian.bootc.planner.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.EventCodec;

/** The events artifact has no beans; this makes its codec injectable here. */
public class EventCodecProducer {

    @Produces
    @Singleton
    EventCodec eventCodec(MessagingConfig config) {
        return new EventCodec(config.maxPayloadBytes());
    }
}
