package org.debian.bootc.publisher.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * Reads a root file system into {@link FileEntry}s: type, mode, owner, size, mtime,
 * symlink target, inode (for hard links), device numbers, and the extended attributes,
 * which Java cannot read outside the {@code user.} namespace, so {@code getfattr} dumps
 * them for the whole tree in one run. {@code security.selinux} is left out: the build
 * host's labels mean nothing on the target.
 */
public final class TreeScanner {

    private final ProcessRunner runner;

    public TreeScanner(ProcessRunner runner) {
        this.runner = runner;
    }

    /** Every entry under {@code root} (the root itself excluded), sorted by path. */
    public List<FileEntry> scan(Path root) throws IOException {
        Map<String, Map<String, byte[]>> xattrs = xattrs(root);
        List<FileEntry> entries = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    entries.add(entry(root, dir, xattrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                FileEntry entry = entry(root, file, xattrs);
                if (entry != null) {
                    entries.add(entry);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort((a, b) -> a.path().compareTo(b.path()));
        return entries;
    }

    private static FileEntry entry(Path root, Path p, Map<String, Map<String, byte[]>> xattrs) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ino,dev,nlink,rdev",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int format = mode & 0170000;
        FileEntry.Type type;
        switch (format) {
            case 0040000 -> type = FileEntry.Type.DIRECTORY;
            case 0100000 -> type = FileEntry.Type.FILE;
            case 0120000 -> type = FileEntry.Type.SYMLINK;
            case 0020000 -> type = FileEntry.Type.CHAR_DEVICE;
            case 0060000 -> type = FileEntry.Type.BLOCK_DEVICE;
            case 0010000 -> type = FileEntry.Type.FIFO;
            default -> {
                return null; // sockets have no place in an image
            }
        }
        String path = root.relativize(p).toString();
        long rdev = (Long) a.get("rdev");
        int major = (int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL));
        return new FileEntry(path, type, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                type == FileEntry.Type.FILE ? (Long) a.get("size") : 0,
                ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() / 1000,
                type == FileEntry.Type.SYMLINK ? Files.readSymbolicLink(p).toString() : null,
                a.get("dev") + ":" + a.get("ino"), (Integer) a.get("nlink"),
                major, minor, new TreeMap<>(xattrs.getOrDefault(path, Map.of())));
    }

    private Map<String, Map<String, byte[]>> xattrs(Path root) {
        CommandResult dump = runner.run(Command.of("getfattr", "--recursive", "--physical",
                "--no-dereference", "--dump", "--match=-", "--encoding=base64", "--absolute-names", root.toString())
                .withTimeout(Duration.ofMinutes(10)).capturingStdout().acceptingAnyExitCode());
        // getfattr exits 1 when some file has no attributes to show; a real failure leaves no output.
        if (dump.exitCode() != 0 && dump.stdout().length == 0 && !dump.output().isBlank()) {
            throw dump.failure();
        }
        return parse(new String(dump.stdout(), StandardCharsets.UTF_8), root.toString());
    }

    /** Parses {@code getfattr --dump --encoding=base64} output into path → name → value. */
    static Map<String, Map<String, byte[]>> parse(String dump, String root) {
        Map<String, Map<String, byte[]>> all = new HashMap<>();
        String current = null;
        for (String line : dump.split("\n")) {
            if (line.startsWith("# file: ")) {
                String path = unescape(line.substring("# file: ".length()));
                current = path.equals(root) ? "" : path.substring(root.length() + 1);
            } else if (current != null && line.contains("=")) {
                int eq = line.indexOf('=');
                String name = line.substring(0, eq);
                String value = line.substring(eq + 1);
                if (name.equals("security.selinux")) {
                    continue;
                }
                byte[] bytes = value.startsWith("0s") ? Base64.getDecoder().decode(value.substring(2))
                        : value.replaceAll("^\"|\"$", "").getBytes(StandardCharsets.UTF_8);
                all.computeIfAbsent(current, k -> new TreeMap<>()).put(name, bytes);
            }
        }
        return all;
    }

    /** getfattr writes backslash, newline and other unsafe bytes in a name as {@code \ooo}. */
    static String unescape(String name) {
        if (name.indexOf('\\') < 0) {
            return name;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\\' && i + 3 < bytes.length + 0 && isOctal(bytes, i + 1)) {
                out.write(Integer.parseInt(new String(bytes, i + 1, 3, StandardCharsets.US_ASCII), 8));
                i += 3;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte[] bytes, int from) {
        if (from + 3 > bytes.length) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (bytes[i] < '0' || bytes[i] > '7') {
                return false;
            }
        }
        return true;
    }
}
