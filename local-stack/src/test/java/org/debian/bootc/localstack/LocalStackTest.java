package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.Topics;

class LocalStackTest {

    @Test
    void parsesOptions() {
        LocalStack.Options o = LocalStack.Options.parse("--data", "/tmp/x", "--kafka-port=0", "--postgres-port", "25432",
                "--topics", "a, b,,a", "--partitions", "5", "--databases=planner,scheduler");
        assertEquals(Path.of("/tmp/x"), o.data);
        assertEquals(0, o.kafkaPort);
        assertEquals(25432, o.postgresPort);
        assertEquals(List.of("a", "b"), o.topics);
        assertEquals(5, o.partitions);
        assertEquals(List.of("planner", "scheduler"), o.databases);

        LocalStack.Options d = LocalStack.Options.parse();
        assertEquals(Path.of(".stack"), d.data);
        assertEquals(19092, d.kafkaPort);
        assertEquals(15432, d.postgresPort);
        assertEquals(3, d.partitions);
        assertEquals(Topics.all(), d.topics, "by default the stack creates every topic of the event contract");
        assertTrue(d.databases.isEmpty());

        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.parse("--bogus"));
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.parse("--kafka-port"));
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.parse("--kafka-port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.parse("--databases", "bad-name"));
        assertThrows(IllegalArgumentException.class, () -> LocalStack.Options.parse("--partitions", "0"));
    }
}
