package org.debian.bootc.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.localstack.test.LocalStackTestResource;

/** Every way SubmitCompose can refuse or give up, with its exit code and message. */
class SubmitComposeTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SubmitCompose.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAManifestItSaysSo() {
        assertEquals(SubmitCompose.USAGE, run());
        assertTrue(errors().contains("name the manifest"), errors());
    }

    @Test
    void anUnknownUntilIsRefused() {
        assertEquals(SubmitCompose.USAGE, run("--until", "pushed", "m.yaml"));
        assertTrue(errors().contains("--until takes started or finished"), errors());
    }

    @Test
    void aTimeoutMustBeWholeSeconds() {
        assertEquals(SubmitCompose.USAGE, run("--timeout", "1.5", "m.yaml"));
        assertTrue(errors().contains("--timeout takes whole seconds"), errors());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.yaml");
        assertEquals(SubmitCompose.REJECTED, run(missing.toString()));
        assertTrue(errors().contains(missing + ": no such file"), errors());
    }

    @Test
    void invalidYamlIsRefusedWithTheParserReason() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "name: [unclosed\n");
        assertEquals(SubmitCompose.REJECTED, run(file.toString()));
        assertTrue(errors().contains("not valid YAML"), errors());
    }

    @Test
    void aManifestMustBeAMapping() throws Exception {
        Path file = Files.writeString(dir.resolve("list.yaml"), "- hello\n- world\n");
        assertEquals(SubmitCompose.REJECTED, run(file.toString()));
        assertTrue(errors().contains("a manifest is a YAML mapping"), errors());
    }

    @Test
    void aManifestWithoutANameFailsTheRequestSchemaBeforeAnythingIsSent() throws Exception {
        Path file = Files.writeString(dir.resolve("noname.yaml"), "version: \"1\"\n");
        assertEquals(SubmitCompose.REJECTED, run("--bootstrap", "localhost:1", file.toString()));
        assertTrue(errors().contains("/manifest") && errors().contains("name"), errors());
    }

    @Test
    void withNoBrokerItSaysWhereItLookedAndGivesUpWithExit3() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("ok.yaml"), "name: minimal\nversion: \"1\"\n");
        assertEquals(SubmitCompose.TIMED_OUT,
                run("--bootstrap", "localhost:" + port, "--timeout", "2", file.toString()));
        assertTrue(errors().contains("no Kafka broker answers at localhost:" + port), errors());
    }

    @Test
    void withNoPlannerListeningItGivesUpWithExit3() throws Exception {
        String kafka = LocalStackTestResource.kafka().bootstrapServers();
        Path file = Files.writeString(dir.resolve("ok.yaml"), "name: minimal\nversion: \"1\"\n");
        assertEquals(SubmitCompose.TIMED_OUT, run("--bootstrap", kafka, "--timeout", "2", file.toString()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("submitted " + file), out.toString());
        assertTrue(errors().contains("is the compose-planner running"), errors());
    }
}
