package org.debian.bootc.localstack.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads topics in a test: a consumer in a fresh group that starts at the earliest offset, so it sees every
 * record on the topics, including those written before it was created. Topics that do not exist yet are
 * picked up when they appear (the probe never creates them). Not thread-safe: use it from one thread.
 *
 * <pre>{@code
 * try (TopicProbe probe = new TopicProbe(kafka.bootstrapServers(), "compose-status")) {
 *     ConsumerRecord<String, byte[]> r = probe.await(
 *             rec -> "org.debian.bootc.compose.status.v1".equals(TopicProbe.header(rec, "ce_type")),
 *             Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class TopicProbe implements AutoCloseable {

    private static final int SHOWN = 50;

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<String> topics;
    /** Received and not yet returned by {@link #await} or {@link #drain}. */
    private final List<ConsumerRecord<String, byte[]>> pending = new ArrayList<>();
    /** Everything received, for the failure message. */
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    /** Subscribes to {@code topics} in a new consumer group, from the earliest offset. */
    public TopicProbe(String bootstrapServers, String... topics) {
        if (topics.length == 0) {
            throw new IllegalArgumentException("no topic");
        }
        this.topics = List.of(topics);
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        conf.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-probe-" + UUID.randomUUID());
        conf.put(ConsumerConfig.CLIENT_ID_CONFIG, "topic-probe");
        conf.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        conf.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500); // see topics created after subscribe() soon
        conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        conf.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        conf.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(conf);
        consumer.subscribe(this.topics);
    }

    /**
     * The first record, received before or during this call and not yet returned, that matches.
     *
     * @throws AssertionError when none matched within {@code timeout}; the message lists what was seen
     */
    public ConsumerRecord<String, byte[]> await(Predicate<ConsumerRecord<String, byte[]>> match, Duration timeout) {
        Objects.requireNonNull(match, "match");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Iterator<ConsumerRecord<String, byte[]>> it = pending.iterator(); it.hasNext();) {
                ConsumerRecord<String, byte[]> r = it.next();
                if (match.test(r)) {
                    it.remove();
                    return r;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching record on " + topics + " within " + timeout + "; " + describeSeen());
            }
            poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))));
        }
    }

    /**
     * Everything not yet returned, after polling until no new record arrived for {@code quiet}.
     */
    public List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
        long quietUntil = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < quietUntil) {
            long left = quietUntil - System.nanoTime();
            if (poll(Duration.ofNanos(Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))))) > 0) {
                quietUntil = System.nanoTime() + quiet.toNanos();
            }
        }
        List<ConsumerRecord<String, byte[]>> out = List.copyOf(pending);
        pending.clear();
        return out;
    }

    /** Every record received so far, in arrival order (including those already returned). */
    public List<ConsumerRecord<String, byte[]>> seen() {
        return List.copyOf(seen);
    }

    private int poll(Duration d) {
        int n = 0;
        for (ConsumerRecord<String, byte[]> r : consumer.poll(d)) {
            pending.add(r);
            seen.add(r);
            n++;
        }
        return n;
    }

    private String describeSeen() {
        if (seen.isEmpty()) {
            return "saw no record at all (assigned: " + consumer.assignment() + ")";
        }
        StringBuilder sb = new StringBuilder("saw ").append(seen.size()).append(" record(s):");
        int from = Math.max(0, seen.size() - SHOWN);
        if (from > 0) {
            sb.append("\n  ... ").append(from).append(" earlier");
        }
        for (ConsumerRecord<String, byte[]> r : seen.subList(from, seen.size())) {
            sb.append("\n  ").append(describe(r));
        }
        return sb.toString();
    }

    /** {@code topic-partition@offset key=... headers={...} value=...} (value cut at 300 chars). */
    public static String describe(ConsumerRecord<String, byte[]> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.topic()).append('-').append(r.partition()).append('@').append(r.offset())
                .append(" key=").append(r.key()).append(" headers={");
        boolean first = true;
        for (Header h : r.headers()) {
            sb.append(first ? "" : ", ").append(h.key()).append('=')
                    .append(h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8));
            first = false;
        }
        sb.append("} value=");
        if (r.value() == null) {
            sb.append("null");
        } else {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            sb.append(v.length() > 300 ? v.substring(0, 300) + "...(" + v.length() + " chars)" : v);
        }
        return sb.toString();
    }

    /** The last value of header {@code name} as UTF-8, or null when the record has none. */
    public static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The value as UTF-8 (null for a tombstone). */
    public static String text(ConsumerRecord<?, byte[]> r) {
        return r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
    }

    /**
     * Writes one record and waits for the broker's ack ({@code acks=all}, idempotent producer).
     *
     * @param headers written in the map's iteration order, values as UTF-8; may be null
     * @return where the record landed
     */
    public static RecordMetadata produce(String bootstrapServers, String topic, String key, Map<String, String> headers,
            byte[] value) {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        conf.put(ProducerConfig.CLIENT_ID_CONFIG, "topic-probe-producer");
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        conf.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        conf.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        conf.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(conf)) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            if (headers != null) {
                headers.forEach((k, v) -> record.headers().add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
            }
            return producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("producing to " + topic + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("producing to " + topic + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted producing to " + topic, e);
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
