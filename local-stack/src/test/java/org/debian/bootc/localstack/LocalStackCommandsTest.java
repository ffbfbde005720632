package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands {@code java -jar local-stack-runner.jar} reads on stdin, on a real stack. */
class LocalStackCommandsTest {

    @Test
    void restartsTheBrokerOnItsPortAndNamesAnUnknownCommand(@TempDir Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir, 0, 0, List.of("compose-requested"), 1, List.of())) {
            int port = stack.kafka().port();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            LocalStack.readCommands(stack, new ByteArrayInputStream(
                    "\nrestart kafka\nrestart everything\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

            assertEquals("RESTARTED kafka=localhost:" + port + "\n", out.toString(StandardCharsets.UTF_8));
            assertEquals("local-stack: unknown command 'restart everything' on stdin (known: restart kafka)\n",
                    err.toString(StandardCharsets.UTF_8));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafka().bootstrapServers()))) {
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("compose-requested"),
                        "the restarted broker keeps its topics");
            }
        }
    }
}
