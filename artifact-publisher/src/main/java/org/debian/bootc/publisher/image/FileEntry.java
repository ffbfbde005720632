package org.debian.bootc.publisher.image;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of a root file system as a tar layer carries it.
 *
 * @param path relative to the root, no leading or trailing slash
 * @param mode permission bits including setuid, setgid and sticky ({@code 07777})
 * @param mtime seconds since the epoch
 * @param linkTarget a symlink's target (null otherwise)
 * @param inode {@code dev:ino}, to find hard links
 * @param links the inode's link count
 * @param xattrs extended attributes, raw values (e.g. {@code security.capability})
 */
public record FileEntry(String path, Type type, int mode, int uid, int gid, long size, long mtime, String linkTarget,
        String inode, int links, int deviceMajor, int deviceMinor, SortedMap<String, byte[]> xattrs) {

    public enum Type { DIRECTORY, FILE, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO }

    public FileEntry {
        xattrs = new TreeMap<>(xattrs);
    }

    public static FileEntry file(String path, int mode, int uid, int gid, long size, long mtime) {
        return new FileEntry(path, Type.FILE, mode, uid, gid, size, mtime, null, "0:" + path.hashCode(), 1, 0, 0,
                new TreeMap<>());
    }

    public FileEntry withXattrs(Map<String, byte[]> values) {
        return new FileEntry(path, type, mode, uid, gid, size, mtime, linkTarget, inode, links, deviceMajor, deviceMinor,
                new TreeMap<>(values));
    }

    /** Whether other entries may be hard links to the same inode. */
    public boolean hardLinked() {
        return type == Type.FILE && links > 1;
    }
}
