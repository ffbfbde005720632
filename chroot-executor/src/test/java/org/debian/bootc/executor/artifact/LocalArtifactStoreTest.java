package org.debian.bootc.executor.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.events.ArtifactRef;

class LocalArtifactStoreTest {

    @TempDir
    Path dir;

    @Test
    void storesByContentAndKeepsOneCopyOfTheSameBytes() throws IOException {
        LocalArtifactStore store = new LocalArtifactStore(dir.resolve("store"));
        Path a = Files.writeString(dir.resolve("hello_2.10-3_amd64.deb"), "deb bytes");
        Path b = Files.writeString(dir.resolve("copy.deb"), "deb bytes");
        ArtifactRef first = store.put(a, ArtifactRef.BINARY_PACKAGE, a.getFileName().toString());
        ArtifactRef second = store.put(b, ArtifactRef.BINARY_PACKAGE, "copy.deb");
        String sha = Sha256s.of("deb bytes");
        assertEquals(sha, first.sha256());
        assertEquals(9, first.size());
        assertEquals("hello_2.10-3_amd64.deb", first.name());
        assertEquals(first.location(), second.location());
        assertTrue(first.location().startsWith("file:/"));
        assertEquals("deb bytes", Files.readString(Path.of(URI.create(first.location()))));
        assertEquals(store.blob(sha), Path.of(URI.create(first.location())));
        assertTrue(store.contains(sha));
        assertFalse(store.contains("0".repeat(64)));
        try (var files = Files.list(store.blob(sha).getParent())) {
            assertEquals(1, files.count(), "no temporary file left beside the blob");
        }
    }

    @Test
    void aBadDigestIsRefused() {
        LocalArtifactStore store = new LocalArtifactStore(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.blob("../../etc/passwd"));
        assertTrue(e.getMessage().contains("sha256 '../../etc/passwd'"));
    }
}
