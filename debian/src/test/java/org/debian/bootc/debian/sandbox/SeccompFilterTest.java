package org.debian.bootc.debian.sandbox;

import static org.debian.bootc.debian.sandbox.SeccompEvaluator.ALLOW;
import static org.debian.bootc.debian.sandbox.SeccompEvaluator.ENOSYS;
import static org.debian.bootc.debian.sandbox.SeccompEvaluator.EPERM;
import static org.debian.bootc.debian.sandbox.SeccompEvaluator.KILL_THREAD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompFilterTest {

    private static final int AUDIT_X86_64 = 0xC000003E;
    private static final int AUDIT_I386 = 0x40000003;
    private static final int AUDIT_AARCH64 = 0xC00000B7;
    private static final int AUDIT_ARM = 0x40000028;
    private static final int X32 = 0x40000000;

    private static final long CLONE_NEWUSER = 0x10000000L;
    private static final long CLONE_NEWNS = 0x00020000L;
    private static final long SIGCHLD = 17;
    private static final long FORK_FLAGS = 0x01200000L | SIGCHLD; // glibc fork: CHILD_SETTID | CHILD_CLEARTID
    private static final long THREAD_FLAGS = 0x003d0f00L; // glibc pthread_create's clone flags
    private static final long TIOCSTI = 0x5412;
    private static final long TIOCLINUX = 0x541C;
    private static final long FIONREAD = 0x541B;

    @Test
    void theJvmsArchitectureNamesMapToDebiansOrAreRefusedByName() {
        assertEquals("amd64", SeccompFilter.debianArch("amd64"));
        assertEquals("amd64", SeccompFilter.debianArch("x86_64"));
        assertEquals("arm64", SeccompFilter.debianArch("aarch64"));
        assertEquals("arm64", SeccompFilter.debianArch("arm64"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SeccompFilter.debianArch("riscv64"));
        assertTrue(e.getMessage().contains("riscv64"), e.getMessage());
    }

    @Test
    void theHostsFilterIsTheOneForItsArchitecture() {
        String expected = SeccompFilter.debianArch(System.getProperty("os.arch"));
        assertEquals(expected, SeccompFilter.forHost().arch());
        assertArrayEquals(SeccompFilter.of(expected).bytes(), SeccompFilter.forHost().bytes());
    }

    @Test
    void eachFilterIsAWholeNumberOfBpfInstructions() {
        for (String arch : SeccompFilter.ARCHITECTURES) {
            byte[] program = SeccompFilter.of(arch).bytes();
            assertEquals(arch, SeccompFilter.of(arch).arch());
            assertTrue(program.length > 0 && program.length % 8 == 0, arch + ": " + program.length + " bytes");
            // the kernel refuses a program longer than BPF_MAXINSNS
            assertTrue(program.length / 8 <= 4096, arch + ": " + program.length / 8 + " instructions");
        }
    }

    @Test
    void anArchitectureWithoutAFilterIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeccompFilter.of("i386"));
        assertTrue(e.getMessage().contains("i386") && e.getMessage().contains("amd64, arm64"), e.getMessage());
    }

    @Test
    void writingTheSameFilterTwiceLeavesTheFileAsItWas(@TempDir Path dir) throws Exception {
        SeccompFilter filter = SeccompFilter.of("amd64");
        Path file = filter.writeTo(dir);

        assertEquals(dir.resolve("seccomp-amd64.bpf"), file);
        assertArrayEquals(filter.bytes(), Files.readAllBytes(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Object inode = Files.getAttribute(file, "unix:ino");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));

        assertEquals(file, filter.writeTo(dir));
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "the file was replaced");
        assertEquals(FileTime.fromMillis(0), Files.getLastModifiedTime(file), "the file was rewritten");
        assertEquals(List.of(file), Files.list(dir).toList(), "a temporary file was left behind");
    }

    @Test
    void aFileWithOtherContentIsReplacedWhole(@TempDir Path dir) throws Exception {
        Path stale = Files.write(dir.resolve("seccomp-arm64.bpf"), new byte[] {1, 2, 3});
        Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("rw-------"));

        Path file = SeccompFilter.of("arm64").writeTo(dir);

        assertArrayEquals(SeccompFilter.of("arm64").bytes(), Files.readAllBytes(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of(file), Files.list(dir).toList());
    }

    @Test
    void onAmd64EveryAbiIsRefusedMountsAndNamespacesButKeepsForkThreadsAndPtrace() {
        SeccompEvaluator amd64 = new SeccompEvaluator(SeccompFilter.of("amd64").bytes());
        // x86_64
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 165), "mount");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 272, CLONE_NEWUSER), "unshare");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 161), "chroot");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 304), "open_by_handle_at");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 56, CLONE_NEWUSER | SIGCHLD), "clone(CLONE_NEWUSER)");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 56, CLONE_NEWNS | FORK_FLAGS), "clone(CLONE_NEWNS)");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 56, FORK_FLAGS), "fork's clone");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 56, THREAD_FLAGS), "pthread_create's clone");
        assertEquals(ENOSYS, amd64.run(AUDIT_X86_64, 435), "clone3");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 16, 0, TIOCSTI), "ioctl(TIOCSTI)");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 16, 0, 0xFFFFFFFF_00000000L | TIOCSTI), "TIOCSTI, high bits set");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, 16, 0, TIOCLINUX), "ioctl(TIOCLINUX)");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 16, 0, FIONREAD), "ioctl(FIONREAD)");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 39), "getpid");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 101), "ptrace");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, 135), "personality");
        // i386
        assertEquals(EPERM, amd64.run(AUDIT_I386, 21), "i386 mount");
        assertEquals(EPERM, amd64.run(AUDIT_I386, 310), "i386 unshare");
        assertEquals(EPERM, amd64.run(AUDIT_I386, 166), "i386 vm86");
        assertEquals(EPERM, amd64.run(AUDIT_I386, 120, CLONE_NEWUSER | SIGCHLD), "i386 clone(CLONE_NEWUSER)");
        assertEquals(ALLOW, amd64.run(AUDIT_I386, 120, FORK_FLAGS), "i386 fork's clone");
        assertEquals(EPERM, amd64.run(AUDIT_I386, 54, 0, TIOCSTI), "i386 ioctl(TIOCSTI)");
        assertEquals(ALLOW, amd64.run(AUDIT_I386, 20), "i386 getpid");
        // x32: x86_64's audit arch, syscall numbers with bit 30 set
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, X32 | 165), "x32 mount");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, X32 | 56, CLONE_NEWUSER | SIGCHLD), "x32 clone(CLONE_NEWUSER)");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, X32 | 56, FORK_FLAGS), "x32 fork's clone");
        assertEquals(EPERM, amd64.run(AUDIT_X86_64, X32 | 514, 0, TIOCSTI), "x32 ioctl(TIOCSTI)");
        assertEquals(ENOSYS, amd64.run(AUDIT_X86_64, X32 | 435), "x32 clone3");
        assertEquals(ALLOW, amd64.run(AUDIT_X86_64, X32 | 39), "x32 getpid");
        // an ABI this kernel cannot run is not expected: killed
        assertEquals(KILL_THREAD, amd64.run(AUDIT_AARCH64, 172), "aarch64 under the amd64 filter");
    }

    @Test
    void onArm64BothAbisAreRefusedMountsAndNamespacesButKeepForkAndPtrace() {
        SeccompEvaluator arm64 = new SeccompEvaluator(SeccompFilter.of("arm64").bytes());
        assertEquals(EPERM, arm64.run(AUDIT_AARCH64, 40), "mount");
        assertEquals(EPERM, arm64.run(AUDIT_AARCH64, 97, CLONE_NEWUSER), "unshare");
        assertEquals(EPERM, arm64.run(AUDIT_AARCH64, 51), "chroot");
        assertEquals(EPERM, arm64.run(AUDIT_AARCH64, 220, CLONE_NEWUSER | SIGCHLD), "clone(CLONE_NEWUSER)");
        assertEquals(ALLOW, arm64.run(AUDIT_AARCH64, 220, FORK_FLAGS), "fork's clone");
        assertEquals(ENOSYS, arm64.run(AUDIT_AARCH64, 435), "clone3");
        assertEquals(EPERM, arm64.run(AUDIT_AARCH64, 29, 0, 0xFFFFFFFF_00000000L | TIOCSTI), "ioctl(TIOCSTI)");
        assertEquals(ALLOW, arm64.run(AUDIT_AARCH64, 172), "getpid");
        assertEquals(ALLOW, arm64.run(AUDIT_AARCH64, 117), "ptrace");
        assertEquals(ALLOW, arm64.run(AUDIT_AARCH64, 92), "personality");
        assertEquals(EPERM, arm64.run(AUDIT_ARM, 21), "arm mount");
        assertEquals(EPERM, arm64.run(AUDIT_ARM, 337), "arm unshare");
        assertEquals(EPERM, arm64.run(AUDIT_ARM, 120, CLONE_NEWNS | SIGCHLD), "arm clone(CLONE_NEWNS)");
        assertEquals(ALLOW, arm64.run(AUDIT_ARM, 120, FORK_FLAGS), "arm fork's clone");
        assertEquals(EPERM, arm64.run(AUDIT_ARM, 54, 0, TIOCLINUX), "arm ioctl(TIOCLINUX)");
        assertEquals(ALLOW, arm64.run(AUDIT_ARM, 20), "arm getpid");
        assertEquals(KILL_THREAD, arm64.run(AUDIT_X86_64, 39), "x86_64 under the arm64 filter");
    }
}
