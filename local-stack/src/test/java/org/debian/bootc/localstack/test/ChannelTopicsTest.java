package org.debian.bootc.localstack.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelTopicsTest {

    @TempDir
    Path dir;

    @Test
    void expressionsExpandToTheirConfiguredValueOrDefault() throws Exception {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, """
                bootc.executor.architecture=${BOOTC_EXECUTOR_ARCHITECTURE_UNSET_IN_TESTS:arm64}
                mp.messaging.incoming.build-tasks.topic=build-tasks.${bootc.executor.architecture}
                mp.messaging.incoming.build-tasks.dead-letter-queue.topic=build-tasks.${bootc.executor.architecture}.dlq
                """);
        assertEquals("build-tasks.arm64", ChannelTopics.of(file).get("mp.messaging.incoming.build-tasks.topic"));
        ChannelTopics.assertAllKnown(file);
    }

    @Test
    void aTopicOutsideTheContractIsNamedInTheFailure() throws Exception {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, """
                mp.messaging.incoming.a.topic=compose-requested
                mp.messaging.outgoing.b.topic=compose-statuses
                """);
        AssertionError error = assertThrows(AssertionError.class, () -> ChannelTopics.assertAllKnown(file));
        assertTrue(error.getMessage().contains("mp.messaging.outgoing.b.topic=compose-statuses"), error.getMessage());
    }
}
