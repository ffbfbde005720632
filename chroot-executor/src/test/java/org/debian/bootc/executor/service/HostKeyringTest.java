package org.debian.bootc.executor.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.debian.bootc.executor.failure.ConfigError;

/**
 * An extra repository's {@code signed_by} naming a file: the executor copies it into the
 * buildroot, where the build can read it, so only keyrings in the keyring directories are read.
 */
class HostKeyringTest {

    @Test
    void aKeyringInAKeyringDirectoryIsRead() throws IOException {
        Path keyring = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");
        assertArrayEquals(Files.readAllBytes(keyring), BuildPipeline.hostKeyring(1, keyring.toString()));
    }

    @Test
    void anyOtherHostFileIsRefusedNamingTheFieldTheValueAndWhy() {
        for (String path : new String[] {"/etc/shadow", "/var/lib/deb-bootc-compose/scheduler-token",
                "/usr/share/keyrings/../../../etc/shadow", "/usr/share/keyrings/sub/dir.gpg", "keyring.gpg",
                "/etc/apt/keyrings"}) {
            ConfigError e = assertThrows(ConfigError.class, () -> BuildPipeline.hostKeyring(2, path), path);
            assertTrue(e.getMessage().startsWith("extra repository 2 signed_by '" + path + "' is not a keyring file in"
                    + " /usr/share/keyrings, /etc/apt/keyrings, /etc/apt/trusted.gpg.d"), e.getMessage());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO opened would wait for ever
    void aLinkOrAFifoOrAMissingFileInAKeyringDirectoryIsRefused() throws Exception {
        Path dir = Path.of("/etc/apt/keyrings");
        Files.createDirectories(dir);
        Path link = dir.resolve("bootc-test-link-" + ProcessHandle.current().pid() + ".gpg");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of("/etc/shadow"));
        try {
            ConfigError e = assertThrows(ConfigError.class, () -> BuildPipeline.hostKeyring(1, link.toString()));
            assertTrue(e.getMessage().contains("cannot be read on this executor") || e.getMessage()
                    .contains("is not a regular file"), e.getMessage());
        } finally {
            Files.delete(link);
        }
        Path fifo = dir.resolve("bootc-test-fifo-" + ProcessHandle.current().pid() + ".gpg");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        try {
            ConfigError e = assertThrows(ConfigError.class, () -> BuildPipeline.hostKeyring(1, fifo.toString()));
            assertTrue(e.getMessage().endsWith("is not a regular file of at most 1048576 bytes"), e.getMessage());
        } finally {
            Files.delete(fifo);
        }
        ConfigError missing = assertThrows(ConfigError.class,
                () -> BuildPipeline.hostKeyring(1, "/etc/apt/keyrings/bootc-absent.gpg"));
        assertTrue(missing.getMessage().contains("cannot be read on this executor"), missing.getMessage());
    }
}
