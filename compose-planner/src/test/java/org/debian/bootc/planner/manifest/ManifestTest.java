package org.debian.bootc.planner.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.debian.bootc.events.ComposeType;
import org.debian.bootc.planner.manifest.Manifest.DiskSettings;
import org.debian.bootc.planner.manifest.Manifest.DscSource;
import org.debian.bootc.planner.manifest.Manifest.Failable;
import org.debian.bootc.planner.manifest.Manifest.ImageSettings;
import org.debian.bootc.planner.manifest.Manifest.OstreeSettings;
import org.debian.bootc.planner.manifest.Manifest.Rebuild;
import org.debian.bootc.planner.manifest.Manifest.Repository;
import org.debian.bootc.planner.manifest.Manifest.SourceFileRef;

class ManifestTest {

    private static Manifest manifest(String refTemplate, ImageSettings image) {
        return new Manifest("srv", "3.1", ComposeType.NIGHTLY, "trixie", List.of("amd64", "arm64"),
                List.of("linux-image-{arch}", "ostree", "linux-image-amd64"), null, null, null,
                refTemplate == null ? null : new OstreeSettings(refTemplate), image, null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "debian/{suite}/{arch}/{name}           | amd64 | debian/trixie/amd64/srv",
        "{name}/{version}/{arch}                | arm64 | srv/3.1/arm64",
        "acme/{name}-{version}_{suite}.{arch}   | arm64 | acme/srv-3.1_trixie.arm64",
        "fixed/ref/{arch}/{arch}                | amd64 | fixed/ref/amd64/amd64",
    })
    void ostreeRefFillsEveryPlaceholder(String template, String arch, String ref) {
        assertEquals(ref, manifest(template, null).ostreeRef(arch));
    }

    @Test
    void ostreeRefDefaultsToDebianSuiteArchName() {
        assertEquals("debian/trixie/arm64/srv", manifest(null, null).ostreeRef("arm64"));
        assertEquals(OstreeSettings.DEFAULT_REF, new OstreeSettings(null).ref());
    }

    @Test
    void ostreeRefIsOnlyForTheComposesArchitectures() {
        assertThrows(IllegalArgumentException.class, () -> manifest(null, null).ostreeRef("riscv64"));
    }

    @Test
    void packagesForAnArchitectureFillInArchOnce() {
        Manifest manifest = manifest(null, null);

        assertEquals(List.of("linux-image-amd64", "ostree"), manifest.packagesFor("amd64"));
        assertEquals(List.of("linux-image-arm64", "ostree", "linux-image-amd64"), manifest.packagesFor("arm64"));
        assertThrows(IllegalArgumentException.class, () -> manifest.packagesFor("i386"));
    }

    @Test
    void theImageTagDefaultsToTheVersionAndLabelsKeepTheirOrder() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("z.last", "1");
        labels.put("a.first", "2");

        Manifest manifest = manifest(null, new ImageSettings("localhost:5000/srv", null, labels));

        assertEquals("3.1", manifest.image().tag());
        assertEquals(List.of("z.last", "a.first"), List.copyOf(manifest.image().labels().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> manifest.image().labels().put("x", "y"));
        assertEquals("beta", manifest(null, new ImageSettings("localhost:5000/srv", "beta", null)).image().tag());
    }

    @Test
    void aRebuildHasExactlyOneOfSourceAndDsc() {
        DscSource dsc = new DscSource("file:///srv/hello_2.10-3.dsc", "a".repeat(64),
                List.of(new SourceFileRef("hello_2.10.orig.tar.gz", "file:///srv/hello_2.10.orig.tar.gz", "b".repeat(64), 1)));

        assertThrows(IllegalArgumentException.class, () -> new Rebuild(null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new Rebuild("hello", null, dsc, null));
        assertThrows(IllegalArgumentException.class, () -> new Rebuild(null, "2.10-3", dsc, null));
        assertEquals("hello", new Rebuild(null, null, dsc, "nocheck").sourceName());
        assertEquals("hello", Rebuild.fromArchive("hello").sourceName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "file:///srv/sources/hello_2.10-3.dsc          | hello_2.10-3.dsc      | hello",
        "file:///srv/sources/libc%2B%2B_1.0-1.dsc      | libc++_1.0-1.dsc      | libc++",
        "file:///srv/x/gcc-13_13.2.0-25.dsc?download=1 | gcc-13_13.2.0-25.dsc  | gcc-13",
    })
    void aDscNamesItsSourceInItsFileName(String location, String fileName, String source) {
        DscSource dsc = new DscSource(location, "a".repeat(64), List.of());

        assertEquals(fileName, dsc.fileName());
        assertEquals(source, dsc.sourceName());
    }

    @Test
    void failableCoversArchitecturesAndRebuiltPackages() {
        Failable failable = new Failable(List.of("arm64"), List.of("jq"));

        assertTrue(failable.coversArchitecture("arm64"));
        assertFalse(failable.coversArchitecture("amd64"));
        assertTrue(failable.coversBuild("hello", "arm64"));
        assertTrue(failable.coversBuild("jq", "amd64"));
        assertFalse(failable.coversBuild("hello", "amd64"));
        assertFalse(Failable.NONE.coversBuild("hello", "amd64"));
    }

    @Test
    void aRepositoryKeyIsAPathOrAKeyBlock() {
        assertFalse(new Repository("file:///srv/r", "bookworm", List.of("main"), "/usr/share/keyrings/r.gpg")
                .hasInlineKey());
        assertTrue(new Repository("file:///srv/r", "bookworm", List.of("main"),
                "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n-----END PGP PUBLIC KEY BLOCK-----\n").hasInlineKey());
    }

    @ParameterizedTest
    @CsvSource({
        "2G,    2147483648",
        "4G,    4294967296",
        "3072M, 3221225472",
        "2048G, 2199023255552",
    })
    void aDiskSizeIsMebiOrGibibytes(String size, long bytes) {
        assertEquals(bytes, new DiskSettings(List.of("raw"), size, null).sizeBytes());
    }

    @Test
    void aDiskDefaultsTo4GAndNoKernelArguments() {
        DiskSettings disk = new DiskSettings(List.of("qcow2"), null, null);

        assertEquals("4G", disk.size());
        assertEquals(4L << 30, disk.sizeBytes());
        assertEquals(List.of(), disk.kargs());
        assertEquals(null, manifest(null, null).disk(), "no disk unless asked for");
    }

    @Test
    void aDiskSizeOutsideItsFormIsRefusedByName() {
        assertEquals("disk size 4GiB is not <n>M or <n>G",
                assertThrows(IllegalArgumentException.class, () -> new DiskSettings(List.of("raw"), "4GiB", null)
                        .sizeBytes()).getMessage());
        assertThrows(ArithmeticException.class,
                () -> new DiskSettings(List.of("raw"), "9999999999999G", null).sizeBytes());
    }

    @Test
    void listsAreCopiedAndDefaulted() {
        Manifest manifest = manifest(null, null);

        assertEquals(ComposeType.NIGHTLY, manifest.type());
        assertEquals(List.of(), manifest.exclude());
        assertEquals(List.of(), manifest.rebuildSources());
        assertEquals(Failable.NONE, manifest.failable());
        assertThrows(UnsupportedOperationException.class, () -> manifest.packages().add("x"));
    }
}
