package org.debian.bootc.scheduler.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.EventCodec;

/** The events artifact has no beans; this makes its codec injectable here. */
public class EventCodecProducer {

    @Produces
    @Singleton
    EventCodec eventCodec(SchedulerConfig config) {
        return new EventCodec(config.maxPayloadBytes());
    }
}
