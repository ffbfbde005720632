package org.debian.bootc.executor.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.EventCodec;

/** The events artifact has no beans; this makes its codec injectable here. */
public class EventCodecProducer {

    @Produces
    @Singleton
    EventCodec eventCodec(ExecutorConfig config) {
        return new EventCodec(config.maxPayloadBytes());
    }
}
