package org.debian.bootc.planner.buildorder;

import static org.debian.bootc.planner.buildorder.Stanzas.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SourceRecordTest {

    @Test
    void binaryToSourceMapsEveryBinaryOfEverySource() {
        Map<String, String> map = SourceRecord.binaryToSource(List.of(
                source("zlib").binaries("zlib1g", "zlib1g-dev", "minizip").build(),
                source("hello").build()));

        assertEquals(Map.of("zlib1g", "zlib", "zlib1g-dev", "zlib", "minizip", "zlib", "hello", "hello"), map);
    }

    @Test
    void aBinaryBuiltByTwoSourcesIsRejectedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SourceRecord.binaryToSource(List.of(
                        source("openssl").binaries("libssl3", "libssl-dev").build(),
                        source("openssl3").binaries("libssl-dev").build())));

        assertEquals("binary libssl-dev is built by both source openssl and source openssl3; "
                + "the rebuild set may contain only one of them", e.getMessage());
    }

    @Test
    void architectureField() {
        SourceRecord both = source("glib2.0").architecture("any all").build();
        SourceRecord linux = source("systemd").architecture("linux-any").build();
        SourceRecord listed = source("grub-efi").architecture("amd64  arm64\ti386").build();
        SourceRecord indep = source("debian-archive-keyring").architecture("all").build();

        assertTrue(both.buildsIndependent());
        assertTrue(both.buildsDependentOn("riscv64"));
        assertTrue(linux.buildsDependentOn("arm64"));
        assertFalse(linux.buildsDependentOn("hurd-amd64"));
        assertEquals(List.of("amd64", "arm64", "i386"), listed.architectures());
        assertFalse(listed.buildsDependentOn("s390x"));
        assertFalse(indep.buildsDependentOn("amd64"));
        assertTrue(indep.buildsIndependent());
    }

    @Test
    void absentBuildDependsFieldsReadAsEmpty() {
        SourceRecord record = source("base-files").buildDepends(null).build();

        assertEquals("", record.buildDepends());
        assertEquals("", record.buildDependsArch());
        assertEquals("", record.buildDependsIndep());
    }

    @Test
    void invalidStanzasAreRejectedWithTheSourceName() {
        assertEquals("source name 'Hello' is not a Debian package name (lower-case letters, digits and + - .)",
                assertThrows(IllegalArgumentException.class, () -> source("Hello").build()).getMessage());
        assertEquals("source hello: Binary lists no package",
                assertThrows(IllegalArgumentException.class, () -> source("hello").binaries().build()).getMessage());
        assertEquals("source hello: Architecture '[amd64]' is not an architecture name or wildcard",
                assertThrows(IllegalArgumentException.class,
                        () -> source("hello").architecture("[amd64]").build()).getMessage());
        SourceRecord good = source("hello").build();
        assertEquals("source hello: dsc 'hello_2.dsc' is not among its files",
                assertThrows(IllegalArgumentException.class, () -> new SourceRecord("hello", "2", List.of("hello"),
                        "any", "", "", "", good.files(), "hello_2.dsc")).getMessage());
    }

    @Test
    void toSourcePackageCarriesDscAndFiles() {
        SourceRecord record = source("hello").version("2.10-3").build();

        assertEquals("hello_2.10-3.dsc", record.toSourcePackage().dsc());
        assertEquals(3, record.toSourcePackage().files().size());
        assertEquals("hello_2.10.orig.tar.xz", record.toSourcePackage().files().get(1).name());
    }
}
