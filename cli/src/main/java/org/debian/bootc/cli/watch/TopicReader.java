package org.debian.bootc.cli.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.config.Setting;

/**
 * Reads topics without a consumer group: every partition assigned by hand and
 * positioned where the caller says (the beginning, the end, or the first record at
 * or after a time), so a reader commits nothing, joins no group and leaves no trace
 * on the broker. Topics that do not exist yet are looked for again every few
 * seconds. Not thread-safe.
 */
public final class TopicReader implements AutoCloseable {

    /** Where a newly found partition starts. */
    public sealed interface Start permits Beginning, End, At {
    }

    /** From the first record kept. */
    public record Beginning() implements Start {
    }

    /** Only records written from now on. */
    public record End() implements Start {
    }

    /** From the first record whose timestamp is at or after {@code time}. */
    public record At(Instant time) implements Start {
    }

    private static final Duration RECHECK = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    private final Start start;
    private final Set<String> missing = new LinkedHashSet<>();
    /** Where each partition ended when it was assigned: "caught up" means reading past all of them. */
    private final Map<TopicPartition, Long> endAtAssignment = new HashMap<>();
    private long lastRecheck;
    private boolean assignedOnce;

    /**
     * Checks the broker answers within {@code timeout} (exit 3 otherwise), then assigns
     * every partition of {@code topics}.
     */
    public TopicReader(Setting kafka, List<String> topics, Start start, Duration timeout) {
        checkBroker(kafka, timeout);
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.value());
        conf.put(ConsumerConfig.CLIENT_ID_CONFIG, "bootc-compose-cli-" + UUID.randomUUID());
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        conf.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, start instanceof End ? "latest" : "earliest");
        // The services publish through an outbox in transactions or idempotent sends: read only what committed.
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        conf.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        conf.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        conf.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(conf);
        this.topics = List.copyOf(topics);
        this.start = start;
        missing.addAll(topics);
        assignMissing();
    }

    /** The records that came within {@code wait}; also picks up topics created since. */
    public List<ConsumerRecord<String, byte[]>> poll(Duration wait) {
        if (!missing.isEmpty() && System.nanoTime() - lastRecheck > RECHECK.toNanos()) {
            assignMissing();
        }
        if (consumer.assignment().isEmpty()) {
            sleep(wait);
            return List.of();
        }
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        consumer.poll(wait).forEach(out::add);
        return out;
    }

    /** Whether everything that was on the topics when they were assigned has been read. */
    public boolean caughtUp() {
        for (Map.Entry<TopicPartition, Long> end : endAtAssignment.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads until everything on the assigned partitions now has been read, or {@code max}
     * passed; returns what was read. Used after an end status, so events written before it
     * on other topics (the images) are not missed.
     */
    public List<ConsumerRecord<String, byte[]>> drainToEnd(Duration max) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        if (consumer.assignment().isEmpty()) {
            return out;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            boolean behind = false;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (consumer.position(end.getKey()) < end.getValue()) {
                    behind = true;
                    break;
                }
            }
            if (!behind) {
                break;
            }
            consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }

    /** Topics not found on the broker (yet). */
    public Set<String> missingTopics() {
        return Set.copyOf(missing);
    }

    private void assignMissing() {
        lastRecheck = System.nanoTime();
        boolean first = !assignedOnce;
        assignedOnce = true;
        List<TopicPartition> found = new ArrayList<>();
        for (String topic : List.copyOf(missing)) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic);
            } catch (KafkaException e) {
                continue;
            }
            if (partitions == null || partitions.isEmpty()) {
                continue;
            }
            missing.remove(topic);
            partitions.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
        }
        if (found.isEmpty()) {
            return;
        }
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(found);
        consumer.assign(all);
        Map<TopicPartition, Long> ends = consumer.endOffsets(found);
        endAtAssignment.putAll(ends);
        if (start instanceof End && !first) {
            // The topic appeared after the reader began: everything on it is new.
            consumer.seekToBeginning(found);
        } else if (start instanceof End) {
            consumer.seekToEnd(found);
            // seekToEnd is lazy: fix the position now, so a record written after this call is read.
            found.forEach(consumer::position);
        } else if (start instanceof At at) {
            Map<TopicPartition, Long> times = new HashMap<>();
            found.forEach(tp -> times.put(tp, at.time().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
            for (TopicPartition tp : found) {
                OffsetAndTimestamp o = offsets.get(tp);
                consumer.seek(tp, o == null ? ends.get(tp) : o.offset());
            }
        } else {
            consumer.seekToBeginning(found);
        }
    }

    /** Exit 3, naming the bootstrap servers and where they were configured, when no broker answers. */
    public static void checkBroker(Setting kafka, Duration timeout) {
        int millis = (int) Math.max(1000, Math.min(timeout.toMillis(), 15_000));
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.value(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        try (Admin admin = Admin.create(conf)) {
            admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw CliException.unreachable("no Kafka broker answers at " + kafka + ": " + e.getCause().getMessage()
                    + " (start the local stack with 'bootc-compose stack up', or set --kafka or BOOTC_KAFKA)", e);
        } catch (TimeoutException e) {
            throw CliException.unreachable("no Kafka broker answers at " + kafka + " within " + millis
                    + " ms (start the local stack with 'bootc-compose stack up', or set --kafka or BOOTC_KAFKA)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while asking the broker at " + kafka, e);
        } catch (KafkaException e) {
            throw CliException.unreachable("no Kafka broker at " + kafka + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    }

    List<String> topics() {
        return topics;
    }
}
