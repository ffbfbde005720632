package org.debian.bootc.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliRun;
import org.debian.bootc.cli.ExitCodes;

/**
 * {@code compose submit --as-event} refuses a manifest it cannot send before it looks for a
 * broker: exit 2 naming the file and why (these were SubmitCompose's checks in local-stack).
 */
class SubmitAsEventTest {

    /** Nothing listens on port 1: a manifest that reached the broker check would be exit 3, not 2. */
    private static final Map<String, String> NO_BROKER = Map.of("BOOTC_KAFKA", "localhost:1");

    @TempDir
    Path dir;

    private CliRun submit(Path manifest) {
        return CliRun.run(NO_BROKER, dir, false, "compose", "submit", manifest.toString(), "--as-event", "--watch",
                "--timeout", "5");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.yaml");
        CliRun run = submit(missing);
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("manifest '" + missing + "': no such file"), run.err);
    }

    @Test
    void invalidYamlIsRefusedWithTheParserReason() throws Exception {
        CliRun run = submit(Files.writeString(dir.resolve("bad.yaml"), "name: [unclosed\n"));
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("is not valid YAML"), run.err);
    }

    @Test
    void aManifestMustBeAMapping() throws Exception {
        CliRun run = submit(Files.writeString(dir.resolve("list.yaml"), "- hello\n- world\n"));
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("a manifest is a YAML mapping (name: …, version: …), not an array"), run.err);
    }

    @Test
    void anEmptyFileIsNotAManifest() throws Exception {
        CliRun run = submit(Files.writeString(dir.resolve("empty.yaml"), ""));
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("not an empty document"), run.err);
    }

    @Test
    void aDirectoryIsNotAManifest() {
        CliRun run = submit(dir);
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("is a directory, not a manifest file"), run.err);
    }

    @Test
    void aManifestWithoutANameFailsTheRequestSchemaBeforeAnythingIsSent() throws Exception {
        CliRun run = submit(Files.writeString(dir.resolve("noname.yaml"), "version: \"1\"\n"));
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("is not a valid compose request") && run.err.contains("/manifest")
                && run.err.contains("name"), run.err);
    }
}
