package org.debian.bootc.debian.deb822;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.FileSyntaxException;

class Deb822Test {

    @Test
    void readsParagraphsFieldsAndContinuationLines() {
        List<Deb822.Paragraph> paragraphs = Deb822.parse(ControlFiles.PACKAGES_AMD64, "Packages");

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
        Deb822.Paragraph hello = Deb822.parse(ControlFiles.SOURCES, "Sources").get(0);

        assertEquals(2, hello.continuationLines("Checksums-Sha256").size());
        assertTrue(hello.continuationLines("Checksums-Sha256").get(0).endsWith(" 1721 hello_2.10-3.dsc"));
    }

    @Test
    void foldsRelationFieldsOntoOneLine() {
        Deb822.Paragraph glibc = Deb822.parse(ControlFiles.SOURCES, "Sources").get(2);

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
        FileSyntaxException e = assertThrows(FileSyntaxException.class,
                () -> Deb822.parse("Package: a\nVersion 1\n", "Packages"));

        assertEquals("Packages:2: expected 'Field: value', got 'Version 1'", e.getMessage());
        assertEquals(2, e.line());
        assertEquals("Packages", e.source());
    }

    @Test
    void aContinuationBeforeAnyFieldIsMalformed() {
        FileSyntaxException e = assertThrows(FileSyntaxException.class, () -> Deb822.parse(" orphan\n", "Packages"));
        assertEquals("Packages:1: continuation line outside a field", e.getMessage());
    }

    @Test
    void keepsOnlyTheFieldsAskedForAndReadsGzipByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Packages.gz");
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(ControlFiles.PACKAGES_AMD64.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(file, gzipped.toByteArray());
        List<Deb822.Paragraph> paragraphs = new ArrayList<>();

        Deb822.forEach(file, Set.of("package", "version"), paragraphs::add);

        assertEquals(7, paragraphs.size());
        assertEquals(Set.of("package", "version"), paragraphs.get(3).fields().keySet());
        assertFalse(paragraphs.get(3).get("Description").isPresent());
    }
}
