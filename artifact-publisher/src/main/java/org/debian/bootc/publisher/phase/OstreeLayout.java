package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.debian.fs.Trees;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;

/**
 * Turns a Debian root file system into the OSTree/bootc layout, in place, the way
 * rpm-ostree's postprocessing does for Fedora:
 * <ul>
 * <li>the one kernel and its initramfs move to {@code /usr/lib/modules/<kver>/vmlinuz}
 * and {@code initramfs.img} (the initramfs must hold ostree-prepare-root), {@code /boot}
 * is left empty;</li>
 * <li>the dpkg database moves to {@code /usr/lib/sysimage/dpkg} (rpm's
 * {@code /usr/lib/sysimage/rpm}), with {@code /var/lib/dpkg} a symlink to it, because
 * {@code /var} is machine state that a deployment does not take from the image;</li>
 * <li>everything else under {@code /var} is declared in a tmpfiles.d file (directories
 * and symlinks; files are dropped) and removed, except the symlinks {@code /var/run},
 * {@code /var/lock} and {@code /var/lib/dpkg};</li>
 * <li>{@code /home}, {@code /root}, {@code /opt}, {@code /srv}, {@code /mnt},
 * {@code /media} and {@code /usr/local} become ostree's symlinks into {@code /var} and
 * {@code /run}, {@code /ostree} points at {@code sysroot/ostree}, {@code /sysroot} is an
 * empty directory;</li>
 * <li>{@code /run}, {@code /tmp}, {@code /dev}, {@code /proc}, {@code /sys} are empty,
 * {@code /etc/machine-id} is empty, and {@code /usr/lib/ostree/prepare-root.conf}
 * exists.</li>
 * </ul>
 * The tree keeps {@code /etc} (the OCI image's layout); {@link OstreeCommitPhase} commits
 * it as {@code /usr/etc}, which is what {@code ostree admin deploy} merges from.
 */
public final class OstreeLayout {

    private static final Logger LOG = Logger.getLogger(OstreeLayout.class);

    public static final String DPKG_DATABASE = "usr/lib/sysimage/dpkg";
    public static final String TMPFILES = "usr/lib/tmpfiles.d/deb-bootc-compose-var.conf";
    public static final String PREPARE_ROOT_CONF = "usr/lib/ostree/prepare-root.conf";
    static final String PREPARE_ROOT = "usr/lib/ostree/ostree-prepare-root";

    /** ostree's symlinks at the root (and {@code /usr/local}), as Fedora's bootc images have them. */
    static final Map<String, String> SYMLINKS = new LinkedHashMap<>();

    static {
        SYMLINKS.put("home", "var/home");
        SYMLINKS.put("root", "var/roothome");
        SYMLINKS.put("opt", "var/opt");
        SYMLINKS.put("srv", "var/srv");
        SYMLINKS.put("mnt", "var/mnt");
        SYMLINKS.put("media", "run/media");
        SYMLINKS.put("usr/local", "../var/usrlocal");
        SYMLINKS.put("ostree", "sysroot/ostree");
    }

    /** What the layout found. */
    public record Result(Optional<String> kernelVersion, int droppedVarFiles) {
    }

    private final ProcessRunner runner;
    private final boolean requireKernel;

    /**
     * @param requireKernel whether a tree without a kernel is refused (a bootc image must have one;
     *        tests and benches of the image machinery may build smaller trees)
     */
    public OstreeLayout(ProcessRunner runner, boolean requireKernel) {
        this.runner = runner;
        this.requireKernel = requireKernel;
    }

    public Result apply(Path root) {
        try {
            Optional<String> kernel = kernel(root);
            moveDpkgDatabase(root);
            Map<String, String> users = names(root.resolve("etc/passwd"));
            Map<String, String> groups = names(root.resolve("etc/group"));
            List<String> tmpfiles = new ArrayList<>();
            int dropped = declareVar(root, users, groups, tmpfiles);
            symlinks(root, users, groups, tmpfiles);
            writeTmpfiles(root, tmpfiles);
            apiDirectories(root);
            Path machineId = root.resolve("etc/machine-id");
            Files.deleteIfExists(machineId);
            Files.createFile(machineId, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r--r--")));
            Path prepareRoot = root.resolve(PREPARE_ROOT_CONF);
            Files.createDirectories(prepareRoot.getParent());
            Files.writeString(prepareRoot, "# Written by deb-bootc-compose. bootc reads it; ostree 2022.7 (bookworm) ignores it.\n"
                    + "[sysroot]\nreadonly = true\n\n[composefs]\nenabled = no\n");
            LOG.infof("OSTree layout of %s: kernel %s, %d files under /var dropped", root, kernel.orElse("none"), dropped);
            return new Result(kernel, dropped);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.ROOTFS, "cannot convert " + root + " to the OSTree layout: " + e, e);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.ROOTFS, e);
        }
    }

    private Optional<String> kernel(Path root) throws IOException {
        Path boot = root.resolve("boot");
        Path modules = root.resolve("usr/lib/modules");
        TreeSet<String> versions = new TreeSet<>();
        for (Path vmlinuz : list(boot)) {
            String name = vmlinuz.getFileName().toString();
            if (name.startsWith("vmlinuz-")) {
                versions.add(name.substring("vmlinuz-".length()));
            }
        }
        for (Path dir : list(modules)) {
            if (Files.exists(dir.resolve("vmlinuz"), LinkOption.NOFOLLOW_LINKS)) {
                versions.add(dir.getFileName().toString());
            }
        }
        if (versions.size() > 1) {
            throw new InputRejected(Stage.ROOTFS, "more than one kernel in the package set: " + versions
                    + "; a bootc image boots exactly one (/usr/lib/modules/<kver>/vmlinuz)");
        }
        if (versions.isEmpty()) {
            if (requireKernel) {
                throw new InputRejected(Stage.ROOTFS, "no kernel in the package set (no /boot/vmlinuz-*):"
                        + " a bootc image needs one, e.g. linux-image-amd64");
            }
            Trees.empty(boot);
            return Optional.empty();
        }
        String kver = versions.first();
        Path target = Files.createDirectories(modules.resolve(kver));
        move(boot.resolve("vmlinuz-" + kver), target.resolve("vmlinuz"));
        move(boot.resolve("config-" + kver), target.resolve("config"));
        move(boot.resolve("System.map-" + kver), target.resolve("System.map"));
        Path initrd = boot.resolve("initrd.img-" + kver);
        if (!Files.exists(initrd) && !Files.exists(target.resolve("initramfs.img"))) {
            throw new InputRejected(Stage.ROOTFS, "kernel " + kver + " has no initramfs (no /boot/initrd.img-"
                    + kver + "): install dracut with the kernel");
        }
        move(initrd, target.resolve("initramfs.img"));
        String listing = runner.run(List.of("lsinitrd", target.resolve("initramfs.img").toString()),
                Duration.ofMinutes(5)).stdoutText();
        if (!listing.contains(PREPARE_ROOT)) {
            throw new InputRejected(Stage.ROOTFS, "the initramfs of kernel " + kver + " lacks "
                    + PREPARE_ROOT + ": install ostree-boot (its dracut module) with dracut");
        }
        Trees.empty(boot);
        for (String link : List.of("vmlinuz", "vmlinuz.old", "initrd.img", "initrd.img.old")) {
            Files.deleteIfExists(root.resolve(link));
        }
        return Optional.of(kver);
    }

    private static void move(Path from, Path to) throws IOException {
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void moveDpkgDatabase(Path root) throws IOException {
        Path dpkg = root.resolve("var/lib/dpkg");
        Path moved = root.resolve(DPKG_DATABASE);
        if (Files.isDirectory(dpkg, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(moved.getParent());
            Files.move(dpkg, moved);
        }
        if (!Files.isDirectory(moved)) {
            throw new InputRejected(Stage.ROOTFS, "no dpkg database at /var/lib/dpkg: not a Debian root file system");
        }
    }

    /** Declares /var's directories and symlinks as tmpfiles.d lines, then empties it but for the kept symlinks. */
    private static int declareVar(Path root, Map<String, String> users, Map<String, String> groups,
            List<String> tmpfiles) throws IOException {
        Path var = root.resolve("var");
        int[] dropped = {0};
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(var)) {
            entries = walk.filter(p -> !p.equals(var)).sorted().toList();
        }
        for (Path p : entries) {
            String path = "/" + root.relativize(p);
            if (path.equals("/var/lib/dpkg")) {
                continue;
            }
            if (Files.isSymbolicLink(p)) {
                tmpfiles.add("L " + path + " - - - - " + Files.readSymbolicLink(p));
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                tmpfiles.add(directoryLine(p, path, users, groups));
            } else {
                dropped[0]++;
            }
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (String link : List.of("run", "lock")) {
            Path p = var.resolve(link);
            if (Files.isSymbolicLink(p)) {
                kept.put(link, Files.readSymbolicLink(p).toString());
            }
        }
        kept.putIfAbsent("run", "../run");
        Trees.empty(var);
        for (Map.Entry<String, String> link : kept.entrySet()) {
            Files.createSymbolicLink(var.resolve(link.getKey()), Path.of(link.getValue()));
        }
        Files.createDirectories(var.resolve("lib"));
        Files.createSymbolicLink(var.resolve("lib/dpkg"), Path.of("../../" + DPKG_DATABASE));
        tmpfiles.add("L /var/lib/dpkg - - - - ../../" + DPKG_DATABASE);
        return dropped[0];
    }

    private static void symlinks(Path root, Map<String, String> users, Map<String, String> groups,
            List<String> tmpfiles) throws IOException {
        for (Map.Entry<String, String> link : SYMLINKS.entrySet()) {
            Path p = root.resolve(link.getKey());
            String target = link.getValue();
            String varPath = "/" + p.getParent().resolve(target).normalize().toString().substring(root.toString().length() + 1);
            if (Files.isSymbolicLink(p)) {
                Files.delete(p);
            } else if (Files.isDirectory(p)) {
                String mode = directoryLine(p, varPath, users, groups);
                if (varPath.startsWith("/var/")) {
                    tmpfiles.add(mode);
                }
                if (link.getKey().equals("usr/local")) {
                    declareChildren(root, p, varPath, users, groups, tmpfiles);
                } else if (!link.getKey().equals("root")) {
                    refuseContent(p, link.getKey(), target);
                }
                Trees.delete(p);
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new InputRejected(Stage.ROOTFS, "/" + link.getKey() + " is a file; ostree's layout needs it"
                        + " to be a symlink to " + target);
            } else if (varPath.startsWith("/var/")) {
                tmpfiles.add("d " + varPath + (link.getKey().equals("root") ? " 0700" : " 0755") + " root root - -");
            }
            Files.createSymbolicLink(p, Path.of(target));
        }
        Files.createDirectories(root.resolve("sysroot"));
    }

    private static void declareChildren(Path root, Path dir, String varPath, Map<String, String> users,
            Map<String, String> groups, List<String> tmpfiles) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(q -> !q.equals(dir)).sorted().toList()) {
                String path = varPath + "/" + dir.relativize(p);
                if (Files.isSymbolicLink(p)) {
                    tmpfiles.add("L " + path + " - - - - " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    tmpfiles.add(directoryLine(p, path, users, groups));
                } else {
                    throw new InputRejected(Stage.ROOTFS, "/" + root.relativize(p) + " is a file, but /"
                            + root.relativize(dir) + " becomes a symlink into /var: packages must not ship files there");
                }
            }
        }
    }

    private static void refuseContent(Path dir, String name, String target) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            Optional<Path> file = walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).findFirst();
            if (file.isPresent()) {
                throw new InputRejected(Stage.ROOTFS, "/" + name + "/" + dir.relativize(file.get())
                        + " is shipped in the image, but /" + name + " becomes a symlink to " + target
                        + ": packages must not ship files there");
            }
        }
    }

    private static String directoryLine(Path p, String path, Map<String, String> users, Map<String, String> groups)
            throws IOException {
        Map<String, Object> attributes = Files.readAttributes(p, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attributes.get("mode") & 07777;
        String uid = attributes.get("uid").toString();
        String gid = attributes.get("gid").toString();
        return String.format("d %s %04o %s %s - -", path, mode, users.getOrDefault(uid, uid), groups.getOrDefault(gid, gid));
    }

    private static void writeTmpfiles(Path root, List<String> lines) throws IOException {
        Path file = root.resolve(TMPFILES);
        Files.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder("# Written by deb-bootc-compose: the image's /var, made at boot"
                + " (an OSTree deployment does not take /var from the image).\n");
        for (String line : new TreeSet<>(lines)) {
            text.append(line).append('\n');
        }
        Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    }

    private void apiDirectories(Path root) throws IOException {
        for (String dir : List.of("dev", "proc", "sys", "run", "tmp", "boot")) {
            Path p = root.resolve(dir);
            if (Files.isSymbolicLink(p) || (Files.exists(p) && !Files.isDirectory(p))) {
                Files.delete(p);
            }
            Files.createDirectories(p);
            Trees.empty(p);
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        // Java's POSIX permissions cannot set the sticky bit; chmod can.
        runner.run(List.of("chmod", "1777", root.resolve("tmp").toString()), Duration.ofMinutes(1));
    }

    /** id → name from an /etc/passwd or /etc/group of the tree. */
    static Map<String, String> names(Path file) throws IOException {
        Map<String, String> names = new HashMap<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":");
                if (fields.length > 2) {
                    names.putIfAbsent(fields[2], fields[0]);
                }
            }
        }
        return names;
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            List<Path> all = new ArrayList<>();
            children.forEach(all::add);
            all.sort(null);
            return all;
        }
    }
}
