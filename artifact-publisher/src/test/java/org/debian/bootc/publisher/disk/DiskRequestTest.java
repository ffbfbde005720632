package org.debian.bootc.publisher.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class DiskRequestTest {

    static final String COMMIT = "a".repeat(64);
    static final long SIZE = 4096L * 1024 * 1024;

    static DiskImagePhase.Request request(List<String> formats, List<String> kargs) {
        return new DiskImagePhase.Request("amd64", "debian/bookworm/amd64/minimal", COMMIT, formats, SIZE, kargs);
    }

    static String refused(List<String> formats, List<String> kargs) {
        return assertThrows(IllegalArgumentException.class, () -> request(formats, kargs)).getMessage();
    }

    @Test
    void eachBadFieldIsNamedWithItsValue() {
        assertEquals("disk.formats is empty: name raw, qcow2 or both", refused(List.of(), List.of()));
        assertEquals("disk.formats[1] \"vmdk\" is not one of [raw, qcow2]", refused(List.of("raw", "vmdk"), List.of()));
        assertEquals("disk.kargs[1] \"a b\" is empty, has white space or is longer than 256 characters",
                refused(List.of("raw"), List.of("quiet", "a b")));
        assertEquals("disk.kargs[0] \"\" is empty, has white space or is longer than 256 characters",
                refused(List.of("raw"), List.of("")));
        assertEquals("disk.kargs[0] \"root=/dev/sda3\" is set by the publisher (root=LABEL=root and"
                + " ostree=<deployment>)", refused(List.of("raw"), List.of("root=/dev/sda3")));
        assertEquals("disk.kargs[0] \"ostree=/x\" is set by the publisher (root=LABEL=root and ostree=<deployment>)",
                refused(List.of("raw"), List.of("ostree=/x")));
        assertEquals("commit \"HEAD\" is not an OSTree commit checksum", assertThrows(IllegalArgumentException.class,
                () -> new DiskImagePhase.Request("amd64", "r", "HEAD", List.of("raw"), SIZE, List.of())).getMessage());
    }

    @Test
    void theKeyChangesWithEachInputAndNotOtherwise() {
        String key = DiskImagePhase.key(request(List.of("raw"), List.of("quiet")));

        assertEquals(key, DiskImagePhase.key(request(List.of("raw"), List.of("quiet"))));
        assertNotEquals(key, DiskImagePhase.key(request(List.of("raw", "qcow2"), List.of("quiet"))));
        assertNotEquals(key, DiskImagePhase.key(request(List.of("raw"), List.of())));
        assertNotEquals(key, DiskImagePhase.key(new DiskImagePhase.Request("amd64", "debian/bookworm/amd64/minimal",
                "b".repeat(64), List.of("raw"), SIZE, List.of("quiet"))));
        assertNotEquals(key, DiskImagePhase.key(new DiskImagePhase.Request("amd64", "debian/bookworm/amd64/minimal",
                COMMIT, List.of("raw"), SIZE * 2, List.of("quiet"))));
    }

    @Test
    void anArchitectureWithoutUefiSupportIsNamed() {
        assertEquals("architecture \"s390x\" has no UEFI disk image support here (amd64 and arm64 have)",
                assertThrows(IllegalArgumentException.class, () -> DiskImagePhase.EfiTarget.of("s390x")).getMessage());
        assertEquals("BOOTX64.EFI", DiskImagePhase.EfiTarget.of("amd64").fileName());
    }
}
