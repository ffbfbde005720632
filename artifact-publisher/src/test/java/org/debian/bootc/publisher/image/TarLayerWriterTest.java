package org.debian.bootc.publisher.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarLayerWriterTest {

    static final byte[] CAPABILITY = {1, 0, 0, 2, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, 0, 0, 0};

    @TempDir
    Path dir;

    private List<FileEntry> entries(long mtime) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/ping"), "ELF");
        String longName = "usr/share/" + "d".repeat(120) + "/file";
        Files.createDirectories(root.resolve(longName).getParent());
        Files.writeString(root.resolve(longName), "x");
        List<FileEntry> entries = new ArrayList<>();
        entries.add(new FileEntry("usr", FileEntry.Type.DIRECTORY, 0755, 0, 0, 0, mtime, null, "1:1", 3, 0, 0, new TreeMap<>()));
        entries.add(new FileEntry("usr/bin/ping", FileEntry.Type.FILE, 04755, 0, 0, 3, mtime, null, "1:2", 2, 0, 0,
                new TreeMap<>(Map.of("security.capability", CAPABILITY))));
        entries.add(new FileEntry("usr/bin/ping4", FileEntry.Type.FILE, 04755, 0, 0, 3, mtime, null, "1:2", 2, 0, 0,
                new TreeMap<>(Map.of("security.capability", CAPABILITY))));
        entries.add(new FileEntry("usr/bin/sh", FileEntry.Type.SYMLINK, 0777, 0, 0, 0, mtime, "dash", "1:3", 1, 0, 0,
                new TreeMap<>()));
        entries.add(new FileEntry(longName, FileEntry.Type.FILE, 0640, 0, 42, 1, mtime, null, "1:4", 1, 0, 0, new TreeMap<>()));
        return entries;
    }

    private List<TarArchiveEntry> read(Path layer) throws Exception {
        List<TarArchiveEntry> read = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(layer)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                read.add(e);
            }
        }
        return read;
    }

    @Test
    void equalEntriesGiveEqualDigestsAndMtimesAreClamped() throws Exception {
        TarLayerWriter writer = new TarLayerWriter(1_700_000_000L);
        TarLayerWriter.Written a = writer.write(dir.resolve("root"), entries(1_800_000_000L), dir.resolve("a.tar.gz"));
        TarLayerWriter.Written b = writer.write(dir.resolve("root"), entries(1_900_000_000L), dir.resolve("b.tar.gz"));

        assertEquals(a.digest(), b.digest());
        assertEquals(a.diffId(), b.diffId());
        assertArrayEquals(Files.readAllBytes(a.file()), Files.readAllBytes(b.file()));
        read(a.file()).forEach(e -> assertEquals(1_700_000_000_000L, e.getModTime().getTime(), e.getName()));
        TarLayerWriter.Written older = writer.write(dir.resolve("root"), entries(1_600_000_000L), dir.resolve("c.tar.gz"));
        assertNotEquals(a.digest(), older.digest(), "an mtime before SOURCE_DATE_EPOCH is kept");
    }

    @Test
    void symlinksHardLinksSetuidOwnersAndLongNamesAreKept() throws Exception {
        TarLayerWriter.Written layer = new TarLayerWriter(1_700_000_000L)
                .write(dir.resolve("root"), entries(1), dir.resolve("l.tar.gz"));
        List<TarArchiveEntry> read = read(layer.file());

        assertEquals(List.of("usr/", "usr/bin/ping", "usr/bin/ping4", "usr/bin/sh", "usr/share/" + "d".repeat(120) + "/file"),
                read.stream().map(TarArchiveEntry::getName).toList());
        assertEquals(04755, read.get(1).getMode() & 07777);
        assertTrue(read.get(2).isLink());
        assertEquals("usr/bin/ping", read.get(2).getLinkName());
        assertTrue(read.get(3).isSymbolicLink());
        assertEquals("dash", read.get(3).getLinkName());
        assertEquals(42, read.get(4).getLongGroupId());
        assertEquals("", read.get(4).getUserName());
    }

    @Test
    void fileCapabilitiesAreWrittenAsRawBytesInAPaxHeader() throws Exception {
        TarLayerWriter.Written layer = new TarLayerWriter(1_700_000_000L)
                .write(dir.resolve("root"), entries(1), dir.resolve("x.tar.gz"));
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer.file()))) {
            in.transferTo(tar);
        }
        byte[] record = ("SCHILY.xattr.security.capability=").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = tar.toByteArray();
        int at = indexOf(bytes, record);
        assertTrue(at > 0, "no SCHILY.xattr.security.capability record");
        byte[] value = java.util.Arrays.copyOfRange(bytes, at + record.length, at + record.length + CAPABILITY.length);
        assertArrayEquals(CAPABILITY, value);
        assertEquals('\n', bytes[at + record.length + CAPABILITY.length]);
        // "<length> <key>=<value>\n", where the length (here two digits) counts the whole record
        String length = new String(bytes, at - 3, 2, StandardCharsets.US_ASCII);
        assertEquals(Integer.toString(2 + 1 + record.length + CAPABILITY.length + 1), length,
                "the PAX record's length counts itself");
    }

    @Test
    void paxRecordLengthCountsItsOwnDigits() {
        byte[] header = TarLayerWriter.paxHeader("a".repeat(100), null, Map.of());
        String text = new String(header, StandardCharsets.UTF_8);
        int declared = Integer.parseInt(text.substring(0, text.indexOf(' ')));
        assertEquals(header.length, declared);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
