package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PackageIndex and SourceIndex over the hand-written fixtures. */
class IndexReadingTest {

    @TempDir
    Path dir;

    private PackageIndex packages() throws IOException {
        Path file = dir.resolve("Packages");
        Files.writeString(file, Fixtures.PACKAGES_AMD64);
        return PackageIndex.read(List.of(file));
    }

    private SourceIndex sources() throws IOException {
        Path file = dir.resolve("Sources");
        Files.writeString(file, Fixtures.SOURCES);
        return SourceIndex.read(List.of(file));
    }

    @Test
    void readsBinaryPackagesWithSourceProvidesAndPriority() throws IOException {
        PackageIndex index = packages();

        assertEquals(7, index.size());
        PackageIndex.BinaryPackage libc6 = index.versions("libc6").get(0);
        assertEquals(new PackageIndex.BinaryPackage("libc6", "2.36-9+deb12u4", "amd64", "glibc", List.of(), false,
                "optional"), libc6);
        PackageIndex.BinaryPackage docs = index.versions("docs-all").get(0);
        assertEquals("docs-src", docs.source(), "the version in Source: is dropped");
        assertEquals(List.of("documentation", "manual"), docs.provides());
        assertEquals(List.of(docs), index.providers("documentation"));
        assertTrue(index.knows("awk"), "a provided name is known");
        assertFalse(index.knows("hello-debhelper"));
        assertEquals(Set.of("base-files", "mawk"), index.essentialOrRequired());
    }

    @Test
    void versionsComeNewestFirst() {
        PackageIndex index = PackageIndex.of(List.of(
                new PackageIndex.BinaryPackage("a", "1.0-1", "amd64", "a", List.of(), false, "optional"),
                new PackageIndex.BinaryPackage("a", "1.0-1+b1", "amd64", "a", List.of(), false, "optional"),
                new PackageIndex.BinaryPackage("a", "1.0~rc1-1", "amd64", "a", List.of(), false, "optional")));

        assertEquals(List.of("1.0-1+b1", "1.0-1", "1.0~rc1-1"),
                index.versions("a").stream().map(PackageIndex.BinaryPackage::version).toList());
    }

    @Test
    void readsSourcePackagesWithFilesAndBuildDependencies() throws IOException {
        SourceIndex index = sources();

        assertEquals(3, index.size());
        assertEquals(List.of("2.10-3", "2.10-2"),
                index.versions("hello").stream().map(SourceIndex.SourcePackage::version).toList());
        SourceIndex.SourcePackage hello = index.find("hello", Optional.empty()).orElseThrow();
        assertEquals("2.10-3", hello.version());
        assertEquals("pool/main/h/hello", hello.directory());
        assertEquals(new SourceIndex.SourceFile("hello_2.10-3.dsc", 1721,
                "75296f5ef618ae2f1849e22b142a2b5ab52c452ebefa4e7b0564c44617db3790"), hello.dsc().orElseThrow());
        assertEquals(2, hello.files().size());
        SourceIndex.SourcePackage glibc = index.find("glibc", Optional.of("2.36-9+deb12u4")).orElseThrow();
        assertEquals(List.of("libc-bin", "libc-dev-bin", "libc6", "libc6-dev"), glibc.binaries());
        assertEquals(List.of("any", "all"), glibc.architectures());
        assertEquals("gcc-12, binutils (>= 2.38)", glibc.buildDependsArch());
        assertEquals("perl, po-debconf (>= 1.0)", glibc.buildDependsIndep());
        assertTrue(glibc.buildDepends().endsWith("gawk, debhelper-compat (= 13)"));
        assertEquals("", hello.buildDependsArch());
    }

    @Test
    void checksAnswerUnknownPackagesAndSourceVersions() throws IOException {
        ArchiveChecks checks = new ArchiveChecks("bookworm", packages(), sources());

        assertEquals(List.of("no-such", "other"), checks.unknownPackages(List.of("hello", "no-such", "awk", "other",
                "no-such")));

        ArchiveChecks.SourceLookup newest = checks.sourceVersion("hello", Optional.empty());
        assertTrue(newest.present());
        assertEquals("2.10-3", ((ArchiveChecks.SourceLookup.Found) newest).source().version());
        assertTrue(checks.sourceVersion("hello", Optional.of("2.10-2")).present());

        ArchiveChecks.SourceLookup.Missing wrongVersion =
                (ArchiveChecks.SourceLookup.Missing) checks.sourceVersion("hello", Optional.of("9.9-1"));
        assertEquals(List.of("2.10-3", "2.10-2"), wrongVersion.available());
        assertEquals("source package 'hello' has no version 9.9-1 in bookworm; available: 2.10-3, 2.10-2",
                wrongVersion.message());

        ArchiveChecks.SourceLookup.Missing none =
                (ArchiveChecks.SourceLookup.Missing) checks.sourceVersion("helo", Optional.empty());
        assertEquals("source package 'helo' is not in bookworm", none.message());
    }
}
