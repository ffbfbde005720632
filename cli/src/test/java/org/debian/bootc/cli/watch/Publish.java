package org.debian.bootc.cli.watch;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/** Writes events on the test broker as the services do: the events module's codec, keyed by aggregate id. */
public final class Publish {

    private static final EventCodec CODEC = new EventCodec();

    private Publish() {
    }

    public static String kafka() {
        return LocalStackTestResource.kafka().bootstrapServers();
    }

    public static void events(Event... events) {
        for (Event e : events) {
            OutgoingEvent out = CODEC.encode(e, "/cli-test");
            TopicProbe.produce(kafka(), out.topic(), out.key(), out.headers(), out.payload());
        }
    }
}
