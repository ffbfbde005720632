package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.ArtifactRef;

/**
 * Debian's hello, from the archive's Sources index, built in the unprivileged mode by
 * the account {@link UnprivilegedBuildIT} makes (its ~60 build-deps installed by apt in
 * the user namespace, its configure, make and test suite as {@code builder}). Minutes
 * even with a warm base: only with {@code -Plong}.
 */
class UnprivilegedHelloLongIT {

    @Test
    void helloBuildsUnprivilegedAsItDoesAsRoot() throws Exception {
        Path state = UnprivilegedBuildIT.HOME.resolve("state");
        Path scratch = UnprivilegedBuildIT.HOME.resolve("scratch-" + UUID.randomUUID());
        UnprivilegedBuildIT.prepare(state, scratch);
        Properties outcome = UnprivilegedBuildIT.runAsAccount(state, scratch, "hello");
        assertEquals("UNPRIVILEGED", outcome.getProperty("mode"));
        assertEquals("success", outcome.getProperty("result"),
                () -> outcome.getProperty("failure") + "\n" + outcome.getProperty("logTail"));
        List<String> debs = outcome.stringPropertyNames().stream().filter(k -> k.startsWith("artifact."))
                .map(outcome::getProperty).filter(a -> a.startsWith(ArtifactRef.BINARY_PACKAGE + " "))
                .map(a -> a.split(" ")[1]).toList();
        assertTrue(debs.stream().anyMatch(d -> d.matches("hello_[^_]+_amd64\\.deb")), "hello's .deb: " + debs);
        String log = Files.readString(Path.of(URI.create(outcome.getProperty("log"))));
        assertTrue(log.contains("Isolation: unprivileged"));
        assertTrue(log.contains("dpkg-buildpackage -us -uc -B"), "an arch-only build as the task asks");
    }
}
