package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCacheTest {

    private static final byte[] CONTENT = "Package: hello\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void storesFilesUnderTheirSha256(@TempDir Path dir) throws Exception {
        IndexCache cache = new IndexCache(dir);
        String sha256 = IndexCache.sha256(CONTENT);

        Path stored = cache.store(CONTENT);

        assertEquals(dir.resolve("sha256/" + sha256), stored);
        assertEquals(Optional.of(stored), cache.find(sha256, CONTENT.length));
        assertEquals(sha256, IndexCache.sha256(stored));
        assertEquals(stored, cache.store(CONTENT), "storing again is a no-op");
    }

    @Test
    void aMissingFileIsNotFound(@TempDir Path dir) {
        assertEquals(Optional.empty(), new IndexCache(dir).find("0".repeat(64), 1));
    }

    @Test
    void aDamagedFileIsDroppedRatherThanTrusted(@TempDir Path dir) throws Exception {
        IndexCache cache = new IndexCache(dir);
        String sha256 = IndexCache.sha256(CONTENT);
        Path stored = cache.store(CONTENT);
        Files.writeString(stored, "Package: hellO\n");

        assertEquals(Optional.empty(), cache.find(sha256, CONTENT.length));
        assertFalse(Files.exists(stored));
    }

    @Test
    void aWrongSizeIsNotFoundEither(@TempDir Path dir) {
        IndexCache cache = new IndexCache(dir);
        cache.store(CONTENT);

        assertEquals(Optional.empty(), cache.find(IndexCache.sha256(CONTENT), CONTENT.length + 1));
    }

    @Test
    void adoptMovesATemporaryFileIn(@TempDir Path dir) throws Exception {
        IndexCache cache = new IndexCache(dir);
        Path temp = cache.newTempFile();
        Files.write(temp, CONTENT);

        Path adopted = cache.adopt(temp, IndexCache.sha256(CONTENT));

        assertFalse(Files.exists(temp));
        assertTrue(Files.isRegularFile(adopted));
    }

    @Test
    void namesMustBeSha256(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> new IndexCache(dir).find("../../etc/passwd", 1));
    }
}
