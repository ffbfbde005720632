package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Deb822Test {

    @Test
    void readsParagraphsFieldsAndContinuationLines() {
        List<Deb822.Paragraph> paragraphs = Deb822.parse(Fixtures.PACKAGES_AMD64, "Packages");

        assertEquals(7, paragraphs.size());
        Deb822.Paragraph hello = paragraphs.get(3);
        assertEquals("hello", hello.get("Package").orElseThrow());
        assertEquals("hello", hello.get("package").orElseThrow(), "field names compare without case");
        assertEquals(List.of("devel::debian", "devel::examples", "role::program", "suite::gnu"),
                hello.commaList("Tag"));
        assertEquals("example package based on GNU hello\nLonger description,\n.\nover several lines.",
                hello.get("Description").orElseThrow());
        assertEquals(List.of("Package", "Version", "Architecture", "Depends", "Conflicts", "Priority", "Tag",
                "Filename", "Size", "Description").stream().map(String::toLowerCase).toList(),
                new ArrayList<>(hello.fields().keySet()), "fields keep file order");
    }

    @Test
    void tableFieldsSplitIntoLines() {
        Deb822.Paragraph hello = Deb822.parse(Fixtures.SOURCES, "Sources").get(0);

        assertEquals(2, hello.continuationLines("Checksums-Sha256").size());
        assertTrue(hello.continuationLines("Checksums-Sha256").get(0).endsWith(" 1721 hello_2.10-3.dsc"));
    }

    @Test
    void foldsRelationFieldsOntoOneLine() {
        Deb822.Paragraph glibc = Deb822.parse(Fixtures.SOURCES, "Sources").get(2);

        assertEquals("gettext, dpkg (>= 1.18.0), xz-utils, file, quilt, autoconf, gawk, debhelper-compat (= 13)",
                glibc.folded("Build-Depends"));
        assertEquals(List.of("libc-bin", "libc-dev-bin", "libc6", "libc6-dev"), glibc.commaList("Binary"));
    }

    @Test
    void skipsCommentsAndWhitespaceOnlySeparators() {
        String text = "# a comment\nTypes: deb\n# inside a stanza\nURIs: http://archive.example/debian\n \t\n\n"
                + "Types: deb-src\nURIs: http://archive.example/debian\n";

        List<Deb822.Paragraph> paragraphs = Deb822.parse(text, "x.sources");

        assertEquals(2, paragraphs.size());
        assertEquals("deb", paragraphs.get(0).getOrEmpty("Types"));
        assertEquals(2, paragraphs.get(0).fields().size());
        assertEquals(7, paragraphs.get(1).line());
    }

    @Test
    void aLineWithoutColonIsMalformedWithItsLineNumber() {
        ArchiveException e = assertThrows(ArchiveException.MalformedIndex.class,
                () -> Deb822.parse("Package: a\nVersion 1\n", "Packages"));

        assertEquals("Packages:2: expected 'Field: value', got 'Version 1'", e.getMessage());
        assertEquals("index-malformed", e.code());
    }

    @Test
    void aContinuationBeforeAnyFieldIsMalformed() {
        assertThrows(ArchiveException.MalformedIndex.class, () -> Deb822.parse(" orphan\n", "Packages"));
    }

    @Test
    void keepsOnlyTheFieldsAskedForAndReadsGzipByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Packages.gz");
        Files.write(file, FixtureArchive.gzip(Fixtures.PACKAGES_AMD64.getBytes(StandardCharsets.UTF_8)));
        List<Deb822.Paragraph> paragraphs = new ArrayList<>();

        Deb822.forEach(file, Set.of("package", "version"), paragraphs::add);

        assertEquals(7, paragraphs.size());
        assertEquals(Set.of("package", "version"), paragraphs.get(3).fields().keySet());
        assertFalse(paragraphs.get(3).get("Description").isPresent());
    }
}
