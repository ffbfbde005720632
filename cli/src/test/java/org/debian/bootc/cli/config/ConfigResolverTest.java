package org.debian.bootc.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;

class ConfigResolverTest {

    @TempDir
    Path home;

    private static final ConfigResolver.Flags NO_FLAGS = new ConfigResolver.Flags(null, null, null, null, null);

    private void file(String text) throws IOException {
        Path f = home.resolve(ConfigResolver.DEFAULT_FILE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    @Test
    void defaultsAreTheLocalStack() {
        CliConfig c = new ConfigResolver(Map.of(), home).resolve(NO_FLAGS);
        assertEquals("http://localhost:8081", c.planner().value());
        assertEquals("http://localhost:8082", c.scheduler().value());
        assertEquals("localhost:19092", c.kafka().value());
        assertEquals("default", c.kafka().origin());
        assertTrue(c.token().isEmpty());
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        file("planner.url=http://file-planner:1\nscheduler.url=http://file-scheduler:2\nkafka=file:3\ntoken=file-token\n");
        Map<String, String> env = Map.of("BOOTC_PLANNER_URL", "http://env-planner:1", "BOOTC_KAFKA", "env:3");
        CliConfig c = new ConfigResolver(env, home)
                .resolve(new ConfigResolver.Flags("http://flag-planner:1", null, null, null, null));
        assertEquals("http://flag-planner:1", c.planner().value());
        assertEquals("--planner", c.planner().origin());
        assertEquals("env:3", c.kafka().value());
        assertEquals("BOOTC_KAFKA", c.kafka().origin());
        assertEquals("http://file-scheduler:2", c.scheduler().value());
        assertTrue(c.scheduler().origin().endsWith("cli.properties: scheduler.url"), c.scheduler().origin());
        assertEquals("file-token", c.token().orElseThrow().value());
    }

    @Test
    void explicitConfigFileReplacesTheDefaultOne() throws IOException {
        file("kafka=default-file:1\n");
        Path other = home.resolve("other.properties");
        Files.writeString(other, "kafka=other-file:2\n");
        CliConfig c = new ConfigResolver(Map.of(), home).resolve(new ConfigResolver.Flags(null, null, null, null, other));
        assertEquals("other-file:2", c.kafka().value());
    }

    @Test
    void missingExplicitConfigFileIsBadInputNamingIt() {
        Path missing = home.resolve("nope.properties");
        CliException e = assertThrows(CliException.class, () -> new ConfigResolver(Map.of(), home)
                .resolve(new ConfigResolver.Flags(null, null, null, null, missing)));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("nope.properties") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void unknownKeyInTheFileIsRefused() throws IOException {
        file("planer.url=http://typo:1\n");
        CliException e = assertThrows(CliException.class, () -> new ConfigResolver(Map.of(), home).resolve(NO_FLAGS));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("planer.url"), e.getMessage());
    }

    @Test
    void badUrlNamesValueAndOrigin() {
        CliException e = assertThrows(CliException.class, () -> new ConfigResolver(
                Map.of("BOOTC_SCHEDULER_URL", "localhost:8082"), home).resolve(NO_FLAGS));
        assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("'localhost:8082'") && e.getMessage().contains("BOOTC_SCHEDULER_URL"),
                e.getMessage());
    }

    @Test
    void badKafkaNamesTheServer() {
        CliException e = assertThrows(CliException.class, () -> new ConfigResolver(Map.of(), home)
                .resolve(new ConfigResolver.Flags(null, null, "localhost:19092,broker", null, null)));
        assertTrue(e.getMessage().contains("'broker' is not host:port") && e.getMessage().contains("--kafka"),
                e.getMessage());
    }
}
