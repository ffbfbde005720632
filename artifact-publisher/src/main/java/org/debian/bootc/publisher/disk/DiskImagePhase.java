package org.debian.bootc.publisher.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.debian.fs.Trees;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.events.DiskFormat;
import org.debian.bootc.events.DiskSpec;
import org.debian.bootc.publisher.phase.OstreeCommitPhase;
import org.debian.bootc.publisher.phase.Phase;
import org.debian.bootc.publisher.phase.PublishContext;

/**
 * bootc-image-builder's role, done by the publisher: a bootable GPT disk image from the
 * compose's OSTree commit. The commit is deployed with {@code ostree admin deploy} into a
 * fresh sysroot (stateroot {@value #OS_NAME}, the request's kernel arguments after
 * {@code root=LABEL=root rw}), then the file systems are written straight into the image
 * file at their partitions' offsets ({@code mkfs.ext4 -E offset= -d}, {@code mkfs.fat
 * --offset}, mtools): no loop device, no block device, no mount of the image.
 *
 * <p>Boot chain: firmware → {@code EFI/BOOT/BOOTX64.EFI} on the ESP (a GRUB image made
 * with {@code grub-mkimage}, no NVRAM entry needed) → its embedded config finds the
 * partition labelled {@code boot} and reads the {@code syslinux.cfg} that ostree keeps
 * there ({@code sysroot.bootloader=syslinux}; Debian's GRUB 2.06 cannot read ostree's
 * boot loader entries) → the kernel, with {@code ostree=} naming the deployment →
 * ostree-prepare-root in the initramfs. Every later {@code ostree admin deploy} on the
 * booted system rewrites that syslinux config, so GRUB follows upgrades and rollbacks.
 * The deployment's {@code /etc/fstab} mounts {@code LABEL=boot} on {@code /boot}.
 *
 * <p>{@code ostree admin deploy} freezes and thaws the file system holding the sysroot's
 * {@code /boot} ({@code FIFREEZE}) even with {@code OSTREE_SYSROOT_OPTS=skip-sync}; on a
 * directory of the host's root file system that would freeze the host. The deploy
 * therefore runs in its own mount namespace ({@code unshare --mount}) with a tmpfs on the
 * sysroot's {@code /boot}, where the freeze is refused as unsupported; the script checks
 * the tmpfs is there before it deploys. Needs: root, or {@code CAP_SYS_ADMIN} (mount
 * namespace and tmpfs), {@code CAP_CHOWN}, {@code CAP_FOWNER} and
 * {@code CAP_LINUX_IMMUTABLE} (ostree marks deployments immutable; the work tree is
 * un-marked to be removed). No {@code /dev/loop*}, no privileged pod.
 *
 * <p>Images are kept under {@code <disk-root>/<ref>/<key>/}, where the key is a sha256 of
 * the commit, the layout version, the size, the kernel arguments and the formats: the
 * same request again reuses the images (an unchanged compose makes no new disk image),
 * and the newest {@code keepPerRef} keys of a ref are kept.
 */
public final class DiskImagePhase implements Phase {

    /** The disk images of the commit, in the order of the target's formats. */
    public static final PublishContext.Key<List<Image>> DISKS = new PublishContext.Key<>("disk images");

    private static final Logger LOG = Logger.getLogger(DiskImagePhase.class);

    /** Changes whenever the layout or the boot chain changes, so older images are not reused. */
    public static final String LAYOUT_VERSION = "1";
    /** The ostree stateroot ("os") the commit is deployed as. */
    public static final String OS_NAME = "debian";
    public static final List<String> FORMATS = List.of("raw", "qcow2");

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KARG = Pattern.compile("\\S{1,256}");
    private static final String RECORD = "images.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Deploys in a private mount namespace with a tmpfs on {@code $sysroot/boot} (see the
     * class comment), then copies what ostree wrote there out for {@code /boot}'s file system.
     */
    static final String DEPLOY_SCRIPT = """
            sysroot=$1; bootcopy=$2; ref=$3; shift 3
            mount -t tmpfs -o mode=0755 deb-bootc-boot "$sysroot/boot"
            fstype=$(stat -f -c %T "$sysroot/boot")
            if [ "$fstype" != tmpfs ]; then
                echo "$sysroot/boot is on $fstype, not a tmpfs: not deploying (ostree would freeze that file system)" >&2
                exit 97
            fi
            mkdir "$sysroot/boot/loader.0" "$sysroot/boot/syslinux"
            printf 'PROMPT 1\\nTIMEOUT 10\\n' > "$sysroot/boot/loader.0/syslinux.cfg"
            ln -s loader.0 "$sysroot/boot/loader"
            ln -s ../loader/syslinux.cfg "$sysroot/boot/syslinux/syslinux.cfg"
            ostree admin deploy --sysroot="$sysroot" --os=@OS@ "$@" "$ref"
            cp -a "$sysroot/boot/." "$bootcopy/"
            """.replace("@OS@", OS_NAME);

    /** GRUB's embedded config: serial and screen, the boot partition by label, ostree's syslinux config. */
    static final String GRUB_CONFIG = """
            serial --unit=0 --speed=115200
            terminal_input console serial
            terminal_output console serial
            search --no-floppy --label boot --set=root
            syslinux_configfile /syslinux/syslinux.cfg
            """;

    static final List<String> GRUB_MODULES = List.of("part_gpt", "ext2", "fat", "search", "search_label", "normal",
            "configfile", "syslinuxcfg", "linux", "echo", "test", "serial", "terminal", "efi_gop", "all_video", "gzio");

    /** The request: which commit, and the manifest's {@code disk} settings. */
    public record Request(String architecture, String ref, String commit, List<String> formats, long sizeBytes,
            List<String> kargs) {

        public Request {
            formats = List.copyOf(formats);
            kargs = List.copyOf(kargs);
            if (!COMMIT.matcher(commit).matches()) {
                throw new IllegalArgumentException("commit \"" + commit + "\" is not an OSTree commit checksum");
            }
            if (formats.isEmpty()) {
                throw new IllegalArgumentException("disk.formats is empty: name raw, qcow2 or both");
            }
            for (int i = 0; i < formats.size(); i++) {
                if (!FORMATS.contains(formats.get(i))) {
                    throw new IllegalArgumentException("disk.formats[" + i + "] \"" + formats.get(i)
                            + "\" is not one of " + FORMATS);
                }
            }
            for (int i = 0; i < kargs.size(); i++) {
                String karg = kargs.get(i);
                if (!KARG.matcher(karg).matches()) {
                    throw new IllegalArgumentException("disk.kargs[" + i + "] \"" + karg
                            + "\" is empty, has white space or is longer than 256 characters");
                }
                if (karg.startsWith("root=") || karg.startsWith("ostree=")) {
                    throw new IllegalArgumentException("disk.kargs[" + i + "] \"" + karg
                            + "\" is set by the publisher (root=LABEL=root and ostree=<deployment>)");
                }
            }
        }
    }

    /** One written image file. {@code sizeBytes} is the file's length (a raw image is sparse on disk). */
    public record Image(String format, Path file, String sha256, long sizeBytes) {
    }

    /** The images of a request, and whether they were already there. */
    public record Result(List<Image> images, boolean reused) {

        public Result {
            images = List.copyOf(images);
        }
    }

    private final ProcessRunner runner;
    private final Path ostreeRepo;
    private final Path diskRoot;
    private final Path workRoot;
    private final Duration timeout;
    private final int keepPerRef;

    /**
     * @param ostreeRepo the publisher's archive-mode repository the commit is in
     * @param diskRoot where finished images are kept, {@code <ref>/<key>/disk.<format>}
     * @param workRoot where the sysroot is assembled while an image is made
     * @param keepPerRef how many image sets (keys) of one ref are kept; older ones are removed
     */
    public DiskImagePhase(ProcessRunner runner, Path ostreeRepo, Path diskRoot, Path workRoot, Duration timeout,
            int keepPerRef) {
        if (keepPerRef < 1) {
            throw new IllegalArgumentException("keepPerRef " + keepPerRef + " is below 1: the image just made must stay");
        }
        this.runner = runner;
        this.ostreeRepo = ostreeRepo;
        this.diskRoot = diskRoot;
        this.workRoot = workRoot;
        this.timeout = timeout;
        this.keepPerRef = keepPerRef;
    }

    @Override
    public Stage stage() {
        return Stage.DISK;
    }

    /** When the target asks for disk images. */
    @Override
    public boolean appliesTo(PublishContext context) {
        return context.target().disk() != null;
    }

    /**
     * The target's disk images of the context's commit; images already made of the same
     * commit and settings are reused, so a publish that reused its commit makes none again.
     */
    @Override
    public void run(PublishContext context) {
        DiskSpec spec = context.target().disk();
        List<String> formats;
        try {
            formats = spec.knownFormats().stream().map(DiskFormat::wireName).toList();
        } catch (IllegalArgumentException e) {
            throw new InputRejected(Stage.DISK, "disk.formats: " + e.getMessage(), e);
        }
        Request request;
        try {
            request = new Request(context.architecture(), context.target().ostreeRef(),
                    context.get(OstreeCommitPhase.COMMIT).commit(), formats, spec.sizeBytes(), spec.kargs());
        } catch (IllegalArgumentException e) {
            throw new InputRejected(Stage.DISK, e.getMessage(), e);
        }
        context.put(DISKS, run(request).images());
    }

    /** The key a request's images are kept under. */
    public static String key(Request request) {
        StringBuilder text = new StringBuilder("deb-bootc-compose disk layout ").append(LAYOUT_VERSION).append('\n')
                .append(request.architecture()).append('\n').append(request.ref()).append('\n')
                .append(request.commit()).append('\n').append(request.sizeBytes()).append('\n')
                .append(String.join(",", request.formats())).append('\n');
        request.kargs().forEach(k -> text.append("karg ").append(k).append('\n'));
        return sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Result run(Request request) {
        try {
            return make(request);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.DISK, e);
        } catch (IllegalArgumentException e) {
            // disk.size, disk.formats, disk.kargs of the target
            throw new InputRejected(Stage.DISK, e.getMessage(), e);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.DISK, "cannot write the disk image of " + request.ref() + " "
                    + request.commit() + ": " + e, e);
        }
    }

    private Result make(Request request) throws IOException {
        String key = key(request);
        Path refDir = diskRoot.resolve(request.ref().replaceAll("[^A-Za-z0-9._-]", "_"));
        Path done = refDir.resolve(key);
        Optional<List<Image>> existing = recorded(done);
        if (existing.isPresent()) {
            LOG.infof("disk images of %s %s (key %s) are already made: reused", request.ref(), request.commit(), key);
            touch(done);
            return new Result(existing.get(), true);
        }
        EfiTarget efi = EfiTarget.of(request.architecture());
        DiskLayout layout = DiskLayout.of(request.sizeBytes());
        Path work = workRoot.resolve("disk-" + key);
        long started = System.nanoTime();
        removeWork(work);
        Files.createDirectories(work);
        try {
            Path sysroot = work.resolve("sysroot");
            Path boot = work.resolve("boot");
            Files.createDirectories(sysroot);
            Files.createDirectories(boot);
            deploy(request, sysroot, boot);
            checkRootFits(request, layout, sysroot);
            Path efiBinary = work.resolve(efi.fileName());
            grub(efi, work, efiBinary);
            Path raw = work.resolve("disk.raw");
            writeRaw(layout, raw, efiBinary, boot, sysroot);
            Path staging = refDir.resolve(key + ".partial");
            Trees.delete(staging);
            Files.createDirectories(staging);
            List<Image> images = new ArrayList<>();
            if (request.formats().contains("qcow2")) {
                runner.run(List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw.toString(),
                        staging.resolve("disk.qcow2").toString()), timeout);
            }
            if (request.formats().contains("raw")) {
                Files.move(raw, staging.resolve("disk.raw")); // a move keeps the raw image sparse; a copy would not
            }
            for (String format : request.formats()) {
                Path inStaging = staging.resolve("disk." + format);
                images.add(new Image(format, done.resolve("disk." + format), sha256(inStaging), Files.size(inStaging)));
            }
            writeRecord(staging, request, key, images);
            Trees.delete(done);
            move(staging, done);
            LOG.infof("disk images of %s %s: %s in %d s", request.ref(), request.commit(),
                    images.stream().map(i -> i.format() + " " + i.file() + " (" + i.sizeBytes() + " bytes)").toList(),
                    (System.nanoTime() - started) / 1_000_000_000);
            prune(refDir);
            return new Result(images, false);
        } finally {
            try {
                removeWork(work);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("cannot remove %s: %s", work, e);
            }
        }
    }

    private void deploy(Request request, Path sysroot, Path bootCopy) throws IOException {
        String sysrootOption = "--sysroot=" + sysroot;
        Path repo = sysroot.resolve("ostree/repo");
        if (runner.run(Command.of("ostree", "show", "--repo=" + ostreeRepo, request.commit()).withTimeout(timeout)
                .capturingStdout().acceptingAnyExitCode()).exitCode() != 0) {
            // the publisher made the commit itself just before: its repository lost it
            throw new InfrastructureFailure(Stage.DISK, "commit " + request.commit() + " of " + request.ref()
                    + " is not in the publisher's OSTree repository " + ostreeRepo);
        }
        runner.run(List.of("ostree", "admin", "init-fs", "--modern", sysroot.toString()), timeout);
        runner.run(List.of("ostree", "admin", "os-init", OS_NAME, sysrootOption), timeout);
        runner.run(List.of("ostree", "pull-local", "--repo=" + repo, ostreeRepo.toString(), request.commit()), timeout);
        runner.run(List.of("ostree", "refs", "--repo=" + repo, "--create=" + request.ref(), request.commit()), timeout);
        runner.run(List.of("ostree", "config", "--repo=" + repo, "set", "sysroot.bootloader", "syslinux"), timeout);
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-euc",
                DEPLOY_SCRIPT, "sh", sysroot.toString(), bootCopy.toString(), request.ref(), "--karg=root=LABEL=root",
                "--karg=rw"));
        request.kargs().forEach(k -> command.add("--karg=" + k));
        runner.run(command, timeout);
        Path deployment = sysroot.resolve("ostree/deploy").resolve(OS_NAME).resolve("deploy")
                .resolve(request.commit() + ".0");
        if (!Files.isDirectory(deployment.resolve("etc"), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("ostree admin deploy left no " + deployment.resolve("etc"));
        }
        // /etc of a deployment is the machine's own copy (not hard-linked to the repository): replace the file
        Path fstab = deployment.resolve("etc/fstab");
        Path fresh = deployment.resolve("etc/.fstab.deb-bootc-compose");
        Files.writeString(fresh, "# written by deb-bootc-compose's disk image phase: ostree keeps kernels and its"
                + " boot config here\nLABEL=boot /boot ext4 defaults 0 2\n", StandardCharsets.UTF_8);
        Files.move(fresh, fstab, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Fails, naming {@code disk.size}, when the deployed tree does not fit the root partition with some room. */
    private void checkRootFits(Request request, DiskLayout layout, Path sysroot) {
        // du counts each hard-linked file once, as mkfs.ext4 -d writes it once
        String used = runner.run(List.of("du", "-s", "-B1", sysroot.toString()), timeout).stdoutText().trim()
                .split("\\s+")[0];
        long usedBytes = Long.parseLong(used);
        long needed = usedBytes + usedBytes / 8 + 160 * DiskLayout.MIB;
        if (needed > layout.root().sizeBytes()) {
            throw new IllegalArgumentException("disk.size " + request.sizeBytes() / DiskLayout.MIB + " MiB leaves "
                    + layout.root().sizeBytes() / DiskLayout.MIB + " MiB for the root file system, but commit "
                    + request.commit() + " deployed needs about " + needed / DiskLayout.MIB
                    + " MiB (its files, ext4's metadata and journal, room to stage one upgrade is not included):"
                    + " raise disk.size");
        }
    }

    private void grub(EfiTarget efi, Path work, Path efiBinary) throws IOException {
        Path modules = Path.of("/usr/lib/grub").resolve(efi.grubTarget());
        if (!Files.isDirectory(modules)) {
            throw new IOException("no GRUB modules for " + efi.grubTarget() + " in " + modules + ": install Debian's "
                    + efi.grubPackage());
        }
        Path config = work.resolve("grub-embedded.cfg");
        Files.writeString(config, GRUB_CONFIG, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("grub-mkimage", "-O", efi.grubTarget(), "-o",
                efiBinary.toString(), "-p", "/EFI/BOOT", "-c", config.toString()));
        command.addAll(GRUB_MODULES);
        runner.run(command, timeout);
    }

    private void writeRaw(DiskLayout layout, Path raw, Path efiBinary, Path boot, Path sysroot) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(layout.totalSectors() * DiskLayout.SECTOR);
        }
        List<String> sgdisk = new ArrayList<>(List.of("sgdisk", "--clear"));
        for (DiskLayout.Partition p : List.of(layout.esp(), layout.boot(), layout.root())) {
            sgdisk.add("--new=" + p.number() + ":" + p.firstSector() + ":" + p.lastSector());
            sgdisk.add("--typecode=" + p.number() + ":" + p.typeCode());
            sgdisk.add("--change-name=" + p.number() + ":" + p.name());
        }
        sgdisk.add(raw.toString());
        runner.run(sgdisk, timeout);
        DiskLayout.Partition esp = layout.esp();
        runner.run(List.of("mkfs.fat", "-F", "32", "-s", "1", "-S", "512", "-n", "ESP",
                "--offset=" + esp.firstSector(), raw.toString(), Long.toString(esp.sizeBytes() / 1024)), timeout);
        String espImage = raw + "@@" + esp.offsetBytes();
        Map<String, String> mtools = Map.of("MTOOLS_SKIP_CHECK", "1");
        runner.run(Command.of("mmd", "-i", espImage, "::/EFI", "::/EFI/BOOT").withTimeout(timeout)
                .withEnvironment(mtools).capturingStdout());
        runner.run(Command.of("mcopy", "-i", espImage, efiBinary.toString(), "::/EFI/BOOT/" + efiBinary.getFileName())
                .withTimeout(timeout).withEnvironment(mtools).capturingStdout());
        mkfsExt4(raw, layout.boot(), boot);
        mkfsExt4(raw, layout.root(), sysroot);
    }

    private void mkfsExt4(Path raw, DiskLayout.Partition partition, Path content) {
        runner.run(List.of("mkfs.ext4", "-q", "-F", "-L", partition.name(), "-E", "offset=" + partition.offsetBytes(),
                "-d", content.toString(), raw.toString(), (partition.sizeBytes() / 1024) + "k"), timeout);
    }

    private Optional<List<Image>> recorded(Path done) {
        Path record = done.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            JsonNode doc = JSON.readTree(record.toFile());
            List<Image> images = new ArrayList<>();
            for (JsonNode node : doc.path("images")) {
                Path file = done.resolve("disk." + node.path("format").asText());
                long size = node.path("sizeBytes").asLong(-1);
                if (!Files.isRegularFile(file) || Files.size(file) != size) {
                    LOG.warnf("%s names %s with %d bytes, which is missing or changed: made again", record, file, size);
                    return Optional.empty();
                }
                images.add(new Image(node.path("format").asText(), file, node.path("sha256").asText(), size));
            }
            return images.isEmpty() ? Optional.empty() : Optional.of(images);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read %s (%s): made again", record, e.toString());
            return Optional.empty();
        }
    }

    private static void writeRecord(Path dir, Request request, String key, List<Image> images) throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("key", key).put("layoutVersion", LAYOUT_VERSION).put("architecture", request.architecture())
                .put("ref", request.ref()).put("commit", request.commit()).put("sizeBytes", request.sizeBytes());
        ArrayNode kargs = doc.putArray("kargs");
        request.kargs().forEach(kargs::add);
        ArrayNode list = doc.putArray("images");
        for (Image image : images) {
            list.addObject().put("format", image.format()).put("sha256", image.sha256())
                    .put("sizeBytes", image.sizeBytes());
        }
        Files.write(dir.resolve(RECORD), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
    }

    /** Keeps the {@code keepPerRef} most recently made or reused image sets of the ref. */
    private void prune(Path refDir) throws IOException {
        List<Path> sets = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(refDir)) {
            for (Path child : children) {
                if (Files.isRegularFile(child.resolve(RECORD))) {
                    sets.add(child);
                }
            }
        }
        sets.sort(Comparator.comparing(DiskImagePhase::recordTime).reversed());
        for (Path old : sets.subList(Math.min(keepPerRef, sets.size()), sets.size())) {
            LOG.infof("removing the older disk images %s", old);
            Trees.delete(old);
        }
    }

    private static long recordTime(Path set) {
        try {
            return Files.getLastModifiedTime(set.resolve(RECORD)).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void touch(Path done) throws IOException {
        Files.setLastModifiedTime(done.resolve(RECORD), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis()));
    }

    /** ostree marks each deployment directory immutable; un-mark them so the work tree can go. */
    private void removeWork(Path work) throws IOException {
        Path deployments = work.resolve("sysroot/ostree/deploy");
        if (Files.isDirectory(deployments, LinkOption.NOFOLLOW_LINKS)) {
            try (var walk = Files.walk(deployments, 3)) {
                List<String> dirs = walk.filter(p -> p.getNameCount() == deployments.getNameCount() + 3)
                        .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                        .map(Path::toString).toList();
                if (!dirs.isEmpty()) {
                    List<String> command = new ArrayList<>(List.of("chattr", "-i"));
                    command.addAll(dirs);
                    runner.run(command, timeout);
                }
            }
        }
        Trees.delete(work);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The GRUB platform and the removable-media file name UEFI firmware loads, per Debian architecture. */
    record EfiTarget(String grubTarget, String fileName, String grubPackage) {

        static EfiTarget of(String architecture) {
            switch (architecture) {
                case "amd64":
                    return new EfiTarget("x86_64-efi", "BOOTX64.EFI", "grub-efi-amd64-bin");
                case "arm64":
                    return new EfiTarget("arm64-efi", "BOOTAA64.EFI", "grub-efi-arm64-bin");
                default:
                    throw new IllegalArgumentException("architecture \"" + architecture
                            + "\" has no UEFI disk image support here (amd64 and arm64 have)");
            }
        }
    }
}
