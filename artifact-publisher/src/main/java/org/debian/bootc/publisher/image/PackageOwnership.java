package org.debian.bootc.publisher.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which Debian package owns each path of a tree, from dpkg's file lists
 * ({@code info/<package>[:<arch>].list}) in the dpkg database the layout moved under
 * {@code /usr}. Paths are taken through the merged-/usr symlinks at the root
 * ({@code /bin → usr/bin}), so {@code /bin/bash} in a list is {@code usr/bin/bash} on
 * disk. The database's own files for a package ({@code info/<package>.*}) belong to the
 * package too, so a package's layer holds everything that changes with it.
 */
public final class PackageOwnership {

    private final Map<String, String> owners;
    private final String infoPrefix;

    PackageOwnership(Map<String, String> owners, String infoPrefix) {
        this.owners = owners;
        this.infoPrefix = infoPrefix;
    }

    /** Reads the file lists of the dpkg database at {@code root/database} (relative). */
    public static PackageOwnership read(Path root, String database) throws IOException {
        Map<String, String> rootLinks = new HashMap<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(root)) {
            for (Path p : top) {
                if (Files.isSymbolicLink(p)) {
                    rootLinks.put(p.getFileName().toString(), Files.readSymbolicLink(p).toString());
                }
            }
        }
        Map<String, String> owners = new HashMap<>();
        Path info = root.resolve(database).resolve("info");
        List<Path> lists = new ArrayList<>();
        if (Files.isDirectory(info)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(info, "*.list")) {
                files.forEach(lists::add);
            }
        }
        lists.sort(null);
        for (Path list : lists) {
            String pkg = packageOf(list.getFileName().toString());
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                if (line.isEmpty() || line.equals("/.")) {
                    continue;
                }
                owners.putIfAbsent(canonical(line.substring(1), rootLinks), pkg);
            }
        }
        return new PackageOwnership(owners, database + "/info/");
    }

    /** The package owning {@code path} (relative to the root), if any. */
    public Optional<String> owner(String path) {
        String owner = owners.get(path);
        if (owner == null && path.startsWith(infoPrefix)) {
            String file = path.substring(infoPrefix.length());
            int dot = file.lastIndexOf('.');
            if (dot > 0 && file.indexOf('/') < 0) {
                owner = packageOf(file);
            }
        }
        return Optional.ofNullable(owner);
    }

    /** {@code hello.list}, {@code libc6:amd64.md5sums} → {@code hello}, {@code libc6}. */
    static String packageOf(String infoFile) {
        String name = infoFile.substring(0, infoFile.lastIndexOf('.'));
        int colon = name.indexOf(':');
        return colon >= 0 ? name.substring(0, colon) : name;
    }

    /** A listed path through the root's directory symlinks: {@code bin/bash} → {@code usr/bin/bash}. */
    static String canonical(String path, Map<String, String> rootLinks) {
        int slash = path.indexOf('/');
        String first = slash < 0 ? path : path.substring(0, slash);
        String target = rootLinks.get(first);
        if (target == null || slash < 0 || target.startsWith("/") || target.contains("..")) {
            return path;
        }
        return target + path.substring(slash);
    }
}
