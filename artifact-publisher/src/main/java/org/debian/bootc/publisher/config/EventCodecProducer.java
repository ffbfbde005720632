package org.debian.bootc.publisher.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.EventCodec;

/** The events artifact has no beans; this makes its codec injectable here. */
public class EventCodecProducer {

    @Produces
    @Singleton
    EventCodec eventCodec(PublisherConfig config) {
        return new EventCodec(config.maxPayloadBytes());
    }
}
