package org.debian.bootc.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PackageIdTest {

    @Test
    void pinnedIsNameEqualsVersion() {
        assertEquals("libc6=2.36-9+deb12u14", new PackageId("libc6", "2.36-9+deb12u14", "amd64").pinned());
    }

    @Test
    void aNameThatIsNotDebiansIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PackageId("hello;rm -rf /", "1.0", "amd64"));
        assertEquals("package name \"hello;rm -rf /\" is not a Debian package name", e.getMessage());
    }

    @Test
    void aVersionThatIsNotDebiansIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PackageId("hello", "--force", "amd64"));
        assertEquals("package version \"--force\" is not a Debian version", e.getMessage());
    }

    @Test
    void anArchitectureThatIsNotDebiansOrAMissingFieldIsNamedInTheError() {
        assertEquals("package architecture \"AMD64\" is not a Debian architecture name", assertThrows(
                IllegalArgumentException.class, () -> new PackageId("hello", "1.0", "AMD64")).getMessage());
        assertEquals("package version is missing", assertThrows(NullPointerException.class,
                () -> new PackageId("hello", null, "amd64")).getMessage());
    }

    @Test
    void ordersByNameThenArchitectureThenVersionAsDpkgDoes() {
        List<PackageId> packages = new ArrayList<>(List.of(
                new PackageId("libc6", "2.36-9+deb12u10", "amd64"),
                new PackageId("libc6", "2.36-9+deb12u4", "amd64"),
                new PackageId("hello", "2.10-3", "amd64"),
                new PackageId("libc6", "2.36-9+deb12u4", "arm64"),
                new PackageId("libc6", "2.36-9+deb12u4~bpo1", "amd64")));

        packages.sort(null);

        assertEquals(List.of("hello 2.10-3 amd64", "libc6 2.36-9+deb12u4~bpo1 amd64", "libc6 2.36-9+deb12u4 amd64",
                "libc6 2.36-9+deb12u10 amd64", "libc6 2.36-9+deb12u4 arm64"),
                packages.stream().map(p -> p.name() + " " + p.version() + " " + p.architecture()).toList(),
                "deb12u10 is newer than deb12u4, although it sorts before it as a string");
    }
}
