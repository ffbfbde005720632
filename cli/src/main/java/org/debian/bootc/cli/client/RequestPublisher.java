package org.debian.bootc.cli.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.config.Setting;
import org.debian.bootc.cli.watch.TopicReader;
import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;

/**
 * Submits a manifest the way an upstream system does: a {@code compose-requested} event
 * on the bus, acknowledged by the broker, which the planner answers on
 * {@code compose-status} under the request id. Needs only the broker, not the planner's
 * REST API. The request is checked against the event's schema before anything is sent.
 */
public final class RequestPublisher {

    /** The CloudEvents source of the requests this command writes. */
    static final String SOURCE = "/cli/compose-submit";

    private final Setting kafka;
    private final Duration timeout;
    private final EventCodec codec = new EventCodec();

    /** @param timeout how long the broker has to answer and acknowledge */
    public RequestPublisher(Setting kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /** A request on the bus: its id (the planner's answer carries it) and when it was sent. */
    public record Sent(RequestId requestId, String eventId, Instant at) {
    }

    /** Reads the manifest, writes it as {@code compose-requested}; exit 2 for a bad manifest, 3 for no broker. */
    public Sent publish(Path manifest, String requestedBy) {
        ObjectNode body = readManifest(manifest);
        RequestId requestId = new RequestId("cli-" + UUID.randomUUID());
        OutgoingEvent event;
        try {
            event = codec.encode(new ComposeRequested(requestId, body, requestedBy), SOURCE);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput("manifest '" + manifest + "' is not a valid compose request: "
                    + e.getMessage());
        }
        TopicReader.checkBroker(kafka, timeout);
        Instant at = Instant.now();
        int millis = (int) Math.max(1000, Math.min(timeout.toMillis(), 120_000));
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.value());
        conf.put(ProducerConfig.CLIENT_ID_CONFIG, "bootc-compose-cli-" + UUID.randomUUID());
        conf.put(ProducerConfig.ACKS_CONFIG, "all");
        conf.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        conf.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        conf.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        conf.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        conf.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        conf.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        conf.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(conf)) {
            producer.send(event.toProducerRecord()).get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw CliException.unreachable("the broker at " + kafka + " did not take the request: "
                    + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw CliException.unreachable("the broker at " + kafka + " did not acknowledge the request within "
                    + millis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while sending the request to " + kafka, e);
        } catch (KafkaException e) {
            throw CliException.unreachable("the broker at " + kafka + " did not take the request: " + e.getMessage(), e);
        }
        return new Sent(requestId, event.id(), at);
    }

    /** The manifest as a JSON object (YAML, or JSON, which YAML reads too); exit 2 naming the file otherwise. */
    static ObjectNode readManifest(Path path) {
        if (Files.isDirectory(path)) {
            throw CliException.badInput("manifest '" + path + "' is a directory, not a manifest file");
        }
        JsonNode tree;
        try {
            tree = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw CliException.badInput("manifest '" + path + "': no such file");
        } catch (IOException e) {
            throw CliException.badInput("manifest '" + path + "' is not valid YAML: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (!(tree instanceof ObjectNode object)) {
            String kind = tree == null || tree.isMissingNode() ? "empty document"
                    : tree.getNodeType().name().toLowerCase(Locale.ROOT);
            throw CliException.badInput("manifest '" + path + "': a manifest is a YAML mapping (name: …, version: …), "
                    + "not " + (kind.matches("[aeiou].*") ? "an " : "a ") + kind);
        }
        return object;
    }
}
