package org.debian.bootc.cli.tail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import org.debian.bootc.events.BuildTaskCancelled;
import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ChrootReady;
import org.debian.bootc.events.ComposeBuilt;
import org.debian.bootc.events.ComposeCancelRequested;
import org.debian.bootc.events.ComposePlanned;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.Event;
import org.debian.bootc.events.ExecutorHeartbeat;
import org.debian.bootc.events.ImageCommitted;
import org.debian.bootc.events.ImagePublishFailed;
import org.debian.bootc.events.IncomingEvent;
import org.debian.bootc.events.PackageBuildQueued;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.PackageResult;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatusChanged;

/**
 * One event as one readable line: time, short type, key, then the payload's main
 * fields. Types this CLI does not know (a newer producer) print their JSON.
 *
 * <pre>2025-01-31T12:00:01Z task.status-changed minimal-1-20250131.n.0.hello.amd64 compose=minimal-1-20250131.n.0 attempt=1 amd64 running→completed result=success</pre>
 */
public final class EventLine {

    private static final String TYPE_PREFIX = "org.debian.bootc.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventLine() {
    }

    public static String format(ConsumerRecord<String, byte[]> record, IncomingEvent<? extends Event> event) {
        Instant time = event.time() != null ? event.time() : Instant.ofEpochMilli(record.timestamp());
        return time.truncatedTo(ChronoUnit.MILLIS) + " " + shortType(event.type()) + " " + record.key() + " "
                + fields(event.payload());
    }

    /** A record that could not be read: the codec's reason. */
    public static String invalid(ConsumerRecord<String, byte[]> record, String reason) {
        return Instant.ofEpochMilli(record.timestamp()) + " INVALID " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + " " + record.key() + " " + reason;
    }

    /** A dead-letter record: the original type and the reason the consumer gave. */
    public static String deadLetter(ConsumerRecord<String, byte[]> record) {
        return Instant.ofEpochMilli(record.timestamp()) + " dead-letter " + record.key() + " type="
                + header(record, "ce_type").map(EventLine::shortType).orElse("?") + " from="
                + header(record, "dead-letter-topic").orElse("?") + " reason=" + header(record, "dead-letter-reason")
                        .orElse("?");
    }

    static String shortType(String type) {
        String t = type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
        return t.endsWith(".v1") ? t.substring(0, t.length() - 3) : t;
    }

    /** The compose an event belongs to, if it names one. */
    public static Optional<String> composeOf(ConsumerRecord<String, byte[]> record) {
        try {
            JsonNode node = JSON.readTree(record.value());
            if (node != null && node.hasNonNull("composeId")) {
                return Optional.of(node.get("composeId").asText());
            }
        } catch (Exception e) {
            // unreadable: no compose
        }
        return Optional.empty();
    }

    static String fields(Event e) {
        if (e instanceof ComposeStatusChanged s) {
            return "compose=" + (s.composeId() == null ? "-" : s.composeId()) + " request=" + s.requestId().value() + " "
                    + (s.oldStatus() == null ? "" : s.oldStatus() + "→") + s.newStatus()
                    + (s.reason() == null ? "" : " reason=\"" + s.reason() + "\"")
                    + (s.violations().isEmpty() ? "" : " violations=" + s.violations().size() + " ("
                            + s.violations().stream().map(v -> v.pointer() + ": " + v.reason())
                                    .collect(Collectors.joining("; ")) + ")");
        }
        if (e instanceof TaskStatusChanged t) {
            return "compose=" + t.composeId() + " attempt=" + t.attempt() + " " + t.architecture() + " "
                    + (t.oldStatus() == null ? "" : t.oldStatus().wireName() + "→") + t.newStatus().wireName()
                    + (t.result() == null ? "" : " result=" + t.result().wireName())
                    + (t.reason() == null ? "" : " reason=\"" + t.reason() + "\"");
        }
        if (e instanceof ImageCommitted i) {
            return "compose=" + i.composeId() + " " + i.architecture() + " ref=" + i.ref() + " commit=" + i.commit()
                    + " image=" + i.imageReference() + " digest=" + i.manifestDigest() + " layers=" + i.layerCount()
                    + " pushed=" + i.bytesPushed() + (i.disks().isEmpty() ? "" : " disks=" + i.disks().stream()
                            .map(d -> d.format() + ":" + d.location()).collect(Collectors.joining(",")));
        }
        if (e instanceof ImagePublishFailed f) {
            return "compose=" + f.composeId() + " " + f.architecture() + " ref=" + f.ref() + " stage=" + f.stage()
                    + " reason=\"" + f.reason() + "\"";
        }
        if (e instanceof ComposeBuilt b) {
            long ok = b.packages().stream().filter(p -> p.result() == TaskResult.SUCCESS).count();
            return "compose=" + b.composeId() + " outcome=" + b.outcome().wireName() + " packages=" + b.packages().size()
                    + " success=" + ok + (ok == b.packages().size() ? "" : " not-success=" + b.packages().stream()
                            .filter(p -> p.result() != TaskResult.SUCCESS).map(PackageResult::source)
                            .collect(Collectors.joining(",")));
        }
        if (e instanceof ComposePlanned p) {
            return "compose=" + p.composeId() + " tasks=" + p.tasks().size() + " suite=" + p.plan().suite()
                    + " images=" + p.plan().images().stream().map(i -> i.architecture() + ":" + i.ostreeRef())
                            .collect(Collectors.joining(","));
        }
        if (e instanceof PackageBuildQueued q) {
            return "compose=" + q.composeId() + " task=" + q.taskId().value() + " " + q.source().name() + "/"
                    + q.source().version() + " " + q.architecture() + " build=" + q.buildType().name().toLowerCase()
                    + (q.waitsFor().isEmpty() ? "" : " waits-for=" + q.waitsFor().size());
        }
        if (e instanceof BuildTaskDispatched d) {
            return "compose=" + d.composeId() + " attempt=" + d.attempt() + " " + d.source().name() + "/"
                    + d.source().version() + " " + d.architecture() + " lease-until=" + d.leaseExpiresAt();
        }
        if (e instanceof BuildTaskCancelled c) {
            return "compose=" + c.composeId() + " attempt=" + c.attempt() + " " + c.architecture() + " reason=\""
                    + c.reason() + "\"";
        }
        if (e instanceof ChrootReady c) {
            return "compose=" + c.composeId() + " attempt=" + c.attempt() + " executor=" + c.executorId().value()
                    + " buildroot=" + c.buildrootId().value() + " installed=" + c.installed().size();
        }
        if (e instanceof PackageBuilt b) {
            return "compose=" + b.composeId() + " attempt=" + b.attempt() + " result=" + b.result().name().toLowerCase()
                    + " executor=" + b.executorId().value() + " artifacts=" + b.artifacts().size() + " took="
                    + b.durationMillis() / 1000 + "s";
        }
        if (e instanceof ComposeRequested r) {
            return "request=" + r.requestId().value() + " name=" + r.manifest().path("name").asText() + " version="
                    + r.manifest().path("version").asText()
                    + (r.requestedBy() == null ? "" : " by=" + r.requestedBy());
        }
        if (e instanceof ComposeCancelRequested c) {
            return "compose=" + c.composeId() + " by=" + c.requestedBy()
                    + (c.reason() == null ? "" : " reason=\"" + c.reason() + "\"");
        }
        if (e instanceof ExecutorHeartbeat h) {
            return "executor=" + h.executorId().value() + " arch=" + String.join(",", h.architectures()) + " slots="
                    + h.slots() + " running=" + h.running().size();
        }
        try {
            return JSON.writeValueAsString(e);
        } catch (Exception ex) {
            return e.toString();
        }
    }

    static Optional<String> header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
