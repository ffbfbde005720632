package org.debian.bootc.cli.tail;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;
import org.debian.bootc.cli.config.Setting;
import org.debian.bootc.cli.watch.EventDecoder;
import org.debian.bootc.cli.watch.TopicReader;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.Topics;

/** Prints a topic's events one line each, optionally only those of one compose. */
public final class EventTail {

    private final Setting kafka;
    private final PrintWriter out;
    private final PrintWriter err;
    private final EventDecoder decoder = new EventDecoder();

    public EventTail(Setting kafka, PrintWriter out, PrintWriter err) {
        this.kafka = kafka;
        this.out = out;
        this.err = err;
    }

    /** A topic of the event contract, a build-tasks topic or a dead-letter topic; anything else is bad input. */
    public static void checkTopic(String topic) {
        boolean known = EventType.forTopic(topic).isPresent()
                || Topics.isDlq(topic) && EventType.forTopic(topic.substring(0, topic.length() - 4)).isPresent();
        if (!known) {
            throw CliException.badInput("topic '" + topic + "' is not a topic of deb-bootc-compose; the topics are "
                    + new TreeSet<>(Topics.all().stream().filter(t -> !Topics.isDlq(t)).toList())
                    + ", build-tasks.<architecture> and each one's .dlq");
        }
    }

    /**
     * Prints events until {@code count} were printed, or (with {@code toEnd}) the end of the
     * topic as it was at the start is reached; otherwise until interrupted.
     *
     * @param compose print only events of this compose (its composeId, or its key)
     * @return the exit code
     */
    public int tail(String topic, String compose, boolean fromBeginning, Integer count, boolean toEnd,
            Duration timeout) {
        checkTopic(topic);
        int printed = 0;
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (TopicReader reader = new TopicReader(kafka, List.of(topic),
                fromBeginning ? new TopicReader.Beginning() : new TopicReader.End(), Duration.ofSeconds(15))) {
            err.println("bootc-compose: reading " + topic + (fromBeginning ? " from the beginning" : " from now on")
                    + (compose == null ? "" : ", events of " + compose)
                    + (reader.missingTopics().isEmpty() ? "" : " (the topic does not exist yet; waiting for it)"));
            err.flush();
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(300))) {
                    if (compose != null && !compose.equals(record.key())
                            && !EventLine.composeOf(record).map(compose::equals).orElse(false)) {
                        continue;
                    }
                    out.println(line(record));
                    out.flush();
                    printed++;
                    if (count != null && printed >= count) {
                        return ExitCodes.OK;
                    }
                }
                if (toEnd && reader.caughtUp()) {
                    return ExitCodes.OK;
                }
                if (System.nanoTime() > deadline) {
                    throw new CliException(ExitCodes.UNREACHABLE, "--timeout: " + printed + " event(s) of "
                            + (count == null ? "" : count + " wanted ") + "printed in " + timeout.toSeconds() + " s");
                }
            }
        }
        return ExitCodes.OK;
    }

    private String line(ConsumerRecord<String, byte[]> record) {
        if (Topics.isDlq(record.topic())) {
            return EventLine.deadLetter(record);
        }
        try {
            Optional<IncomingEvent<? extends Event>> event = decoder.decode(record);
            return event.map(e -> EventLine.format(record, e)).orElseGet(() -> EventLine.deadLetter(record));
        } catch (InvalidEventException e) {
            return EventLine.invalid(record, e.reason());
        }
    }
}
