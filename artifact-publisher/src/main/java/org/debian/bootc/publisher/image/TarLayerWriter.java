package org.debian.bootc.publisher.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes one image layer: a gzip-compressed tar of the given entries that is the same
 * byte for byte whenever the entries are: entries in the order given (sorted by path),
 * mtimes clamped to SOURCE_DATE_EPOCH, numeric owners only (no user or group names),
 * gzip header without a time or name. Symlinks, hard links (within the layer), devices,
 * FIFOs, modes with setuid/setgid/sticky and owners are kept.
 *
 * <p>Extended attributes go in a PAX header as {@code SCHILY.xattr.<name>} with the raw
 * value bytes, which is how GNU tar, Go's archive/tar (podman, bootc) and the containers
 * storage read them; {@code security.capability} is binary, so this class writes the PAX
 * header itself rather than through Commons Compress's string-valued PAX API. Long and
 * non-ASCII names and link targets go into the same header.
 */
public final class TarLayerWriter {

    /** What a written layer is: its digests (compressed and uncompressed) and compressed size. */
    public record Written(Path file, String digest, String diffId, long size) {
    }

    private final long sourceDateEpoch;

    public TarLayerWriter(long sourceDateEpoch) {
        this.sourceDateEpoch = sourceDateEpoch;
    }

    /** Writes {@code entries}, read from {@code root}, to {@code target}. */
    public Written write(Path root, List<FileEntry> entries, Path target) throws IOException {
        MessageDigest compressed = sha256();
        MessageDigest uncompressed = sha256();
        try (OutputStream file = Files.newOutputStream(target);
                DigestOutputStream compressedOut = new DigestOutputStream(new java.io.BufferedOutputStream(file, 1 << 16),
                        compressed);
                GZIPOutputStream gzip = new GZIPOutputStream(compressedOut, 1 << 16);
                DigestOutputStream tarOut = new DigestOutputStream(gzip, uncompressed);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(tarOut, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_TRUNCATE);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
            tar.setAddPaxHeadersForNonAsciiNames(false);
            Map<String, String> firstOfInode = new HashMap<>();
            for (FileEntry entry : entries) {
                writeEntry(tar, root, entry, firstOfInode);
            }
            tar.finish();
        }
        String digest = "sha256:" + HexFormat.of().formatHex(compressed.digest());
        String diffId = "sha256:" + HexFormat.of().formatHex(uncompressed.digest());
        return new Written(target, digest, diffId, Files.size(target));
    }

    private void writeEntry(TarArchiveOutputStream tar, Path root, FileEntry entry, Map<String, String> firstOfInode)
            throws IOException {
        String name = entry.type() == FileEntry.Type.DIRECTORY ? entry.path() + "/" : entry.path();
        String hardLinkTo = null;
        if (entry.hardLinked()) {
            hardLinkTo = firstOfInode.putIfAbsent(entry.inode(), entry.path());
        }
        TarArchiveEntry tarEntry;
        if (hardLinkTo != null) {
            tarEntry = new TarArchiveEntry(name, TarConstants.LF_LINK);
            tarEntry.setLinkName(hardLinkTo);
        } else {
            switch (entry.type()) {
                case DIRECTORY -> tarEntry = new TarArchiveEntry(name, TarConstants.LF_DIR);
                case SYMLINK -> {
                    tarEntry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    tarEntry.setLinkName(entry.linkTarget());
                }
                case CHAR_DEVICE, BLOCK_DEVICE -> {
                    tarEntry = new TarArchiveEntry(name,
                            entry.type() == FileEntry.Type.CHAR_DEVICE ? TarConstants.LF_CHR : TarConstants.LF_BLK);
                    tarEntry.setDevMajor(entry.deviceMajor());
                    tarEntry.setDevMinor(entry.deviceMinor());
                }
                case FIFO -> tarEntry = new TarArchiveEntry(name, TarConstants.LF_FIFO);
                default -> {
                    tarEntry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                    tarEntry.setSize(entry.size());
                }
            }
        }
        tarEntry.setMode(entry.mode());
        tarEntry.setUserId(entry.uid());
        tarEntry.setGroupId(entry.gid());
        tarEntry.setUserName("");
        tarEntry.setGroupName("");
        tarEntry.setModTime(Math.min(entry.mtime(), sourceDateEpoch) * 1000);
        byte[] pax = paxHeader(name, tarEntry.getLinkName(), entry.xattrs());
        if (pax.length > 0) {
            TarArchiveEntry header = new TarArchiveEntry("PaxHeaders.0/" + shortName(name), TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            header.setSize(pax.length);
            header.setMode(0644);
            header.setModTime(tarEntry.getModTime());
            header.setUserName("");
            header.setGroupName("");
            tar.putArchiveEntry(header);
            tar.write(pax);
            tar.closeArchiveEntry();
        }
        tar.putArchiveEntry(tarEntry);
        if (tarEntry.isFile() && hardLinkTo == null && entry.size() > 0) {
            try (InputStream in = Files.newInputStream(root.resolve(entry.path()))) {
                long copied = in.transferTo(tar);
                if (copied != entry.size()) {
                    throw new IOException(entry.path() + " changed while it was written: " + copied + " bytes, expected "
                            + entry.size());
                }
            }
        }
        tar.closeArchiveEntry();
    }

    private static String shortName(String name) {
        String base = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        base = base.substring(base.lastIndexOf('/') + 1);
        byte[] bytes = base.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 80 && isAscii(base)) {
            return base;
        }
        return "long";
    }

    /**
     * The PAX extended header records the entry needs, in key order: {@code path} and
     * {@code linkpath} when they do not fit or are not ASCII, and one
     * {@code SCHILY.xattr.<name>} per extended attribute. Empty when none is needed.
     */
    static byte[] paxHeader(String name, String linkName, Map<String, byte[]> xattrs) {
        TreeMap<String, byte[]> records = new TreeMap<>();
        if (needsPax(name)) {
            records.put("path", name.getBytes(StandardCharsets.UTF_8));
        }
        if (linkName != null && !linkName.isEmpty() && needsPax(linkName)) {
            records.put("linkpath", linkName.getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, byte[]> xattr : xattrs.entrySet()) {
            records.put("SCHILY.xattr." + xattr.getKey(), xattr.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> record : records.entrySet()) {
            byte[] key = record.getKey().getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + 1 + record.getValue().length + 1; // " key=value\n"
            int length = body + Integer.toString(body).length();
            if (Integer.toString(length).length() != Integer.toString(body).length()) {
                length = body + Integer.toString(length).length();
            }
            out.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            out.write(' ');
            out.writeBytes(key);
            out.write('=');
            out.writeBytes(record.getValue());
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static boolean needsPax(String name) {
        return name.getBytes(StandardCharsets.UTF_8).length >= 100 || !isAscii(name);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
