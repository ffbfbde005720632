package org.debian.bootc.cli.tail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import org.debian.bootc.cli.watch.Events;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;

class EventLineTest {

    private final Events e = new Events("minimal-1-20250131.n.0");
    private final EventCodec codec = new EventCodec();

    private String line(Event event) throws Exception {
        OutgoingEvent out = codec.encode(event, "/test", "id-1", Instant.parse("2025-01-31T12:00:01.250Z"));
        RecordHeaders headers = new RecordHeaders();
        out.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(out.topic(), 0, 7, 0L, TimestampType.CREATE_TIME,
                0, 0, out.key(), out.payload(), headers, Optional.empty());
        IncomingEvent<? extends Event> in = new org.debian.bootc.cli.watch.EventDecoder().decode(record).orElseThrow();
        assertEquals(Optional.of(e.id().value()), EventLine.composeOf(record));
        return EventLine.format(record, in);
    }

    @Test
    void taskStatusLine() throws Exception {
        assertEquals("2025-01-31T12:00:01.250Z task.status-changed minimal-1-20250131.n.0.hello.amd64"
                + " compose=minimal-1-20250131.n.0 attempt=2 amd64 running→completed result=failure reason=\"exit 2\"",
                line(e.task("hello", 2, TaskStatus.RUNNING, TaskStatus.COMPLETED, TaskResult.FAILURE, "exit 2")));
    }

    @Test
    void composeStatusLine() throws Exception {
        assertEquals("2025-01-31T12:00:01.250Z compose.status-changed minimal-1-20250131.n.0"
                + " compose=minimal-1-20250131.n.0 request=req-minimal-1-20250131.n.0 STARTED→DOOMED reason=\"cancelled\"",
                line(e.status(ComposeStatus.STARTED, ComposeStatus.DOOMED, "cancelled")));
    }

    @Test
    void imageLineHasRefCommitAndImage() throws Exception {
        String l = line(e.image());
        assertTrue(l.startsWith("2025-01-31T12:00:01.250Z image.committed minimal-1-20250131.n.0 "), l);
        assertTrue(l.contains("ref=debian/bookworm/amd64/minimal commit=" + Events.COMMIT
                + " image=localhost:5000/debian/minimal:1-minimal-1-20250131.n.0"), l);
    }

    @Test
    void imageLineListsItsDisksWhenThereAreAny() throws Exception {
        String l = line(e.imageWithDisks());
        assertTrue(l.endsWith(" pushed=1234 disks=raw:file:///srv/disks/minimal-1-20250131.n.0/amd64/disk.raw,"
                + "qcow2:file:///srv/disks/minimal-1-20250131.n.0/amd64/disk.qcow2"), l);
        assertTrue(line(e.image()).endsWith(" pushed=1234"), "no disks, no disks= field");
    }

    @Test
    void plannedLineCountsTasks() throws Exception {
        assertTrue(line(e.planned("hello", "gettext")).contains("compose=minimal-1-20250131.n.0 tasks=2 suite=bookworm"
                + " images=amd64:debian/bookworm/amd64/minimal"));
    }
}
