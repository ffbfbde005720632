package org.debian.bootc.debian.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The seccomp filter bubblewrap loads ({@code bwrap --seccomp FD}) before it runs untrusted package
 * code: maintainer scripts, package builds. It is a compiled classic-BPF program, the raw
 * {@code struct sock_filter} array libseccomp's {@code seccomp_export_bpf} writes, one per Debian
 * architecture, covering every ABI that architecture's kernel runs (amd64: x86_64, i386 and x32;
 * arm64: aarch64 and arm), so 32-bit programs are filtered rather than killed.
 *
 * <p>It allows everything except what lets code leave the sandbox or reach the kernel's most exposed
 * surfaces, as Flatpak's filter does: the syscalls in {@link #REFUSED} fail with EPERM whatever their
 * arguments; {@code clone} fails with EPERM when its flags ask for a new namespace; {@code ioctl}
 * fails with EPERM for {@code TIOCSTI} and {@code TIOCLINUX} (compared in the request's low 32
 * bits); {@code clone3} fails with ENOSYS, so that glibc falls back to {@code clone}, whose flags
 * a filter can read. {@code ptrace} and {@code personality} stay allowed: test suites use them.
 *
 * <p>The programs are made at development time by {@code debian/src/main/seccomp/sandbox_filter.py}
 * (libseccomp through Debian's {@code python3-seccomp}) and committed as resources, so a service needs
 * neither Python nor libseccomp. After editing the script, regenerate both, from the {@code debian}
 * module:
 *
 * <pre>
 * /usr/bin/python3 src/main/seccomp/sandbox_filter.py amd64 src/main/resources/org/debian/bootc/debian/sandbox/seccomp-amd64.bpf
 * /usr/bin/python3 src/main/seccomp/sandbox_filter.py arm64 src/main/resources/org/debian/bootc/debian/sandbox/seccomp-arm64.bpf
 * </pre>
 *
 * {@code SeccompFilterIT} fails while the committed programs differ from what the script makes.
 */
public final class SeccompFilter {

    /** The Debian architectures there is a filter for. */
    public static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

    /**
     * The syscalls refused (EPERM) whatever their arguments, in the script's order; an ABI that lacks
     * one ({@code vm86} on x86_64, {@code iopl} on arm) has no rule for it. {@code SeccompFilterIT}
     * holds this list to the script's {@code --list}.
     */
    public static final List<String> REFUSED = List.of(
            "mount", "umount", "umount2", "pivot_root", "chroot",
            "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
            "unshare", "setns",
            "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
            "open_by_handle_at", "name_to_handle_at",
            "iopl", "ioperm",
            "swapon", "swapoff", "syslog", "reboot", "acct", "quotactl",
            "lookup_dcookie", "uselib", "userfaultfd", "bpf", "perf_event_open",
            "keyctl", "add_key", "request_key",
            "vm86", "vm86old");

    /** One {@code struct sock_filter}: code (2 bytes), jt, jf, k (4 bytes). */
    static final int INSTRUCTION_BYTES = 8;

    private final String arch;
    private final byte[] bytes;

    private SeccompFilter(String arch, byte[] bytes) {
        this.arch = arch;
        this.bytes = bytes;
    }

    /**
     * The filter for the architecture this JVM runs on.
     *
     * @throws IllegalStateException on an architecture there is no filter for
     */
    public static SeccompFilter forHost() {
        return of(debianArch(System.getProperty("os.arch")));
    }

    /** The Debian architecture for a value of {@code os.arch}. */
    static String debianArch(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> throw new IllegalStateException("there is no seccomp filter for this machine's architecture "
                    + osArch + " (there are for " + String.join(", ", ARCHITECTURES) + ")");
        };
    }

    /**
     * The filter for a Debian architecture.
     *
     * @throws IllegalArgumentException for an architecture there is no filter for
     */
    public static SeccompFilter of(String debianArch) {
        if (!ARCHITECTURES.contains(debianArch)) {
            throw new IllegalArgumentException("there is no seccomp filter for architecture " + debianArch
                    + " (there are for " + String.join(", ", ARCHITECTURES) + ")");
        }
        String resource = fileName(debianArch);
        byte[] program;
        try (InputStream in = SeccompFilter.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the seccomp filter " + resource + " is missing from the class path");
            }
            program = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seccomp filter " + resource, e);
        }
        if (program.length == 0 || program.length % INSTRUCTION_BYTES != 0) {
            throw new IllegalStateException("the seccomp filter " + resource + " is not a BPF program: "
                    + program.length + " bytes, not a positive multiple of " + INSTRUCTION_BYTES);
        }
        return new SeccompFilter(debianArch, program);
    }

    /** The Debian architecture it is for. */
    public String arch() {
        return arch;
    }

    /** The BPF program, as bubblewrap reads it from {@code --seccomp FD}; a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Writes the program to {@code seccomp-<arch>.bpf} in {@code directory}, for a shell to open as
     * bubblewrap's {@code --seccomp} descriptor. A file already holding the same bytes is left as it is
     * (buildroots starting at once do not rewrite it under each other); otherwise the program goes to a
     * temporary file in the same directory, mode 0644, that is then renamed over it, so a reader never
     * sees half a program.
     *
     * @return the file
     */
    public Path writeTo(Path directory) throws IOException {
        Path target = directory.resolve(fileName(arch));
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
            return target;
        }
        Path temporary = Files.createTempFile(directory, "." + fileName(arch) + ".", ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            // set after creation: a mode given at creation would be narrowed by the umask
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    @Override
    public String toString() {
        return "SeccompFilter[" + arch + ", " + bytes.length / INSTRUCTION_BYTES + " instructions]";
    }

    private static String fileName(String debianArch) {
        return "seccomp-" + debianArch + ".bpf";
    }
}
