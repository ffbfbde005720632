package org.debian.bootc.publisher.disk;

/**
 * Where the three GPT partitions of a disk image go, in 512-byte sectors: the EFI system
 * partition (GRUB), {@code /boot} (ostree's kernels, initramfs and the syslinux config
 * GRUB reads) and the root file system (the OSTree repository and the deployments).
 * Everything is aligned on 1 MiB; the last MiB holds the backup GPT.
 *
 * <p>{@code /boot} has room for three deployments' kernel and initramfs (booted, rollback
 * and a staged upgrade), about 50 MiB each for Debian's kernel and a dracut initramfs
 * made with {@code hostonly=no}.
 */
public record DiskLayout(long totalSectors, Partition esp, Partition boot, Partition root) {

    public static final long SECTOR = 512;
    public static final long MIB = 1024 * 1024;
    static final long ALIGN = MIB / SECTOR;
    public static final long ESP_BYTES = 64 * MIB;
    public static final long BOOT_BYTES = 512 * MIB;
    /** The smallest root partition a layout accepts; the phase checks the real need against the tree. */
    public static final long MIN_ROOT_BYTES = 256 * MIB;

    /** One partition: first and last sector (inclusive), as sgdisk takes them. */
    public record Partition(int number, String name, String typeCode, long firstSector, long lastSector) {

        public long sectors() {
            return lastSector - firstSector + 1;
        }

        public long offsetBytes() {
            return firstSector * SECTOR;
        }

        public long sizeBytes() {
            return sectors() * SECTOR;
        }
    }

    /**
     * The layout of a disk of {@code sizeBytes}.
     *
     * @throws IllegalArgumentException naming {@code disk.size} when the size is not whole MiB or leaves
     *         less than {@link #MIN_ROOT_BYTES} for the root file system
     */
    public static DiskLayout of(long sizeBytes) {
        if (sizeBytes <= 0 || sizeBytes % MIB != 0) {
            throw new IllegalArgumentException("disk.size " + sizeBytes + " bytes is not a positive whole number of MiB");
        }
        long total = sizeBytes / SECTOR;
        long first = ALIGN;
        Partition esp = new Partition(1, "ESP", "EF00", first, first + ESP_BYTES / SECTOR - 1);
        Partition boot = new Partition(2, "boot", "8300", esp.lastSector() + 1,
                esp.lastSector() + BOOT_BYTES / SECTOR);
        long rootLast = total - ALIGN - 1;
        long rootSectors = rootLast - boot.lastSector();
        if (rootSectors * SECTOR < MIN_ROOT_BYTES) {
            throw new IllegalArgumentException("disk.size " + sizeBytes / MIB + " MiB leaves "
                    + Math.max(0, rootSectors * SECTOR / MIB) + " MiB for the root file system after the 1 MiB GPT"
                    + " margins, the " + ESP_BYTES / MIB + " MiB EFI system partition and the " + BOOT_BYTES / MIB
                    + " MiB /boot; at least " + MIN_ROOT_BYTES / MIB + " MiB are needed");
        }
        Partition root = new Partition(3, "root", "8300", boot.lastSector() + 1, rootLast);
        return new DiskLayout(total, esp, boot, root);
    }
}
