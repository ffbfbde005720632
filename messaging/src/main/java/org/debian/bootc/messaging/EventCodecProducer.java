package org.debian.bootc.messaging;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.EventCodec;

/** The events artifact has no beans; this makes its codec injectable in every service. */
public class EventCodecProducer {

    @Produces
    @Singleton
    EventCodec eventCodec(MessagingConfig config) {
        return new EventCodec(config.maxPayloadBytes());
    }
}
