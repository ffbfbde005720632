package org.debian.bootc.planner;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.ComposeRequested;
import org.debian.bootc.events.ComposeStatusChanged;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.InvalidEventException;
import org.debian.bootc.events.OutgoingEvent;
import org.debian.bootc.events.RequestId;
import org.debian.bootc.localstack.test.LocalStackTestResource;
import org.debian.bootc.localstack.test.TopicProbe;

/** What the planner's integration tests send and read, on the real broker and database. */
public final class PlannerFixtures {

    public static final EventCodec CODEC = new EventCodec();

    private PlannerFixtures() {
    }

    public static ComposeRequested request(String name, String version) {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode()
                .put("name", name)
                .put("version", version)
                .put("suite", "bookworm");
        manifest.putArray("architectures").add("amd64");
        manifest.putArray("packages").add("systemd-sysv").add("ostree");
        return new ComposeRequested(new RequestId("req-" + UUID.randomUUID()), manifest, "planner-it");
    }

    public static OutgoingEvent encode(ComposeRequested request) {
        return CODEC.encode(request, "/tests/compose-planner");
    }

    public static void send(String bootstrap, OutgoingEvent event) {
        TopicProbe.produce(bootstrap, event.topic(), event.key(), event.headers(), event.payload());
    }

    /** The compose-status event about this request, or null when the record is about another one. */
    public static ComposeStatusChanged statusFor(ConsumerRecord<String, byte[]> record, String requestId) {
        try {
            ComposeStatusChanged status = CODEC.decode(EventType.COMPOSE_STATUS_CHANGED, record.headers(), record.value())
                    .payload();
            return status.requestId().value().equals(requestId) ? status : null;
        } catch (InvalidEventException e) {
            throw new AssertionError("the planner published an invalid compose-status event: " + e.reason()
                    + "\n" + new String(record.value(), StandardCharsets.UTF_8), e);
        }
    }

    public static Connection database() throws SQLException {
        var postgres = LocalStackTestResource.postgres();
        return DriverManager.getConnection(postgres.jdbcUrl("bootc"), postgres.username(),
                postgres.password());
    }

    public static long count(String sql, Object... args) throws SQLException {
        try (Connection c = database(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
