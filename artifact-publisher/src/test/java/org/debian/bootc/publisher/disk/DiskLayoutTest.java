package org.debian.bootc.publisher.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class DiskLayoutTest {

    static final long MIB = DiskLayout.MIB;

    @Test
    void partitionsAreAlignedOnOneMibAndTheRootTakesTheRest() {
        DiskLayout layout = DiskLayout.of(4096 * MIB);

        assertEquals(4096 * MIB / 512, layout.totalSectors());
        assertEquals(2048, layout.esp().firstSector());
        assertEquals(64 * MIB, layout.esp().sizeBytes());
        assertEquals(layout.esp().lastSector() + 1, layout.boot().firstSector());
        assertEquals(512 * MIB, layout.boot().sizeBytes());
        assertEquals(layout.boot().lastSector() + 1, layout.root().firstSector());
        assertEquals(layout.totalSectors() - 2048 - 1, layout.root().lastSector(), "the last MiB holds the backup GPT");
        assertEquals((4096 - 1 - 64 - 512 - 1) * MIB, layout.root().sizeBytes());
        for (DiskLayout.Partition p : List.of(layout.esp(), layout.boot(), layout.root())) {
            assertEquals(0, p.firstSector() % 2048, p + " starts on a MiB");
            assertEquals(0, p.sectors() % 2048, p + " is whole MiB");
        }
        assertEquals(List.of("ESP", "boot", "root"), List.of(layout.esp().name(), layout.boot().name(),
                layout.root().name()));
        assertEquals("EF00", layout.esp().typeCode());
    }

    @Test
    void theSmallestLayoutLeavesTheMinimumRoot() {
        DiskLayout layout = DiskLayout.of((1 + 64 + 512 + 256 + 1) * MIB);

        assertEquals(DiskLayout.MIN_ROOT_BYTES, layout.root().sizeBytes());
    }

    @Test
    void aDiskTooSmallForTheRootNamesDiskSizeAndWhatItLeaves() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiskLayout.of(800 * MIB));

        assertEquals("disk.size 800 MiB leaves 222 MiB for the root file system after the 1 MiB GPT margins, the 64 MiB"
                + " EFI system partition and the 512 MiB /boot; at least 256 MiB are needed", e.getMessage());
    }

    @Test
    void aSizeThatIsNotWholeMibIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DiskLayout.of(4096 * MIB + 512));

        assertTrue(e.getMessage().startsWith("disk.size 4294967808 bytes is not a positive whole number of MiB"));
        assertThrows(IllegalArgumentException.class, () -> DiskLayout.of(0));
    }
}
