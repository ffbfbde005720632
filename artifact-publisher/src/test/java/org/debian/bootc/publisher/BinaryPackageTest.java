package org.debian.bootc.publisher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BinaryPackageTest {

    @Test
    void pinnedIsNameEqualsVersion() {
        assertEquals("libc6=2.36-9+deb12u14", new BinaryPackage("libc6", "2.36-9+deb12u14", "amd64").pinned());
    }

    @Test
    void aNameThatIsNotDebiansIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BinaryPackage("hello;rm -rf /", "1.0", "amd64"));
        assertEquals("package name \"hello;rm -rf /\" is not a Debian package name", e.getMessage());
    }

    @Test
    void aVersionThatIsNotDebiansIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BinaryPackage("hello", "--force", "amd64"));
        assertEquals("package version \"--force\" is not a Debian version", e.getMessage());
    }
}
