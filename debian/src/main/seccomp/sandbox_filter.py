#!/usr/bin/python3
"""Writes the seccomp filter bubblewrap loads (bwrap --seccomp FD) for code it runs untrusted.

Usage: sandbox_filter.py amd64|arm64 OUTPUT
       sandbox_filter.py --list

The output is a classic-BPF program, the raw `struct sock_filter` array libseccomp's
seccomp_export_bpf writes. The committed copies live in
debian/src/main/resources/org/debian/bootc/debian/sandbox/seccomp-<arch>.bpf and are loaded by
org.debian.bootc.debian.sandbox.SeccompFilter; SeccompFilterIT regenerates both and fails when they
differ, so after editing this file run, from the debian/ module:

    /usr/bin/python3 src/main/seccomp/sandbox_filter.py amd64 src/main/resources/org/debian/bootc/debian/sandbox/seccomp-amd64.bpf
    /usr/bin/python3 src/main/seccomp/sandbox_filter.py arm64 src/main/resources/org/debian/bootc/debian/sandbox/seccomp-arm64.bpf

/usr/bin/python3 explicitly: the module is Debian's python3-seccomp. The bytes depend on the
libseccomp that compiles them (Debian 12's 2.5.4 made the committed ones); a newer libseccomp may
lay the same rules out differently, and then the committed files are regenerated with it.

--list prints the syscalls refused whatever their arguments, one a line, for the Java side's
SeccompFilter.REFUSED to be checked against.

Everything not named here is allowed: the sandbox is a denylist of what lets code inside leave
it or reach the kernel's most exposed surfaces, as Flatpak's and other bubblewrap users' filters
are. Each rule returns an errno rather than killing, so a package's script sees an ordinary
failure it can report (and most cope with, as they do in a container).
"""

import errno
import sys

import seccomp
from seccomp import ALLOW, ERRNO, MASKED_EQ, Arch, Arg

# Each Debian architecture and every ABI its kernel runs: a 64-bit kernel also runs 32-bit (and on
# amd64, x32) programs, whose syscall numbers differ. Listing them filters those programs too;
# leaving them out would kill every 32-bit process (libseccomp's bad-arch action), and a
# multiarch build runs some.
ABIS = {
    "amd64": (Arch.X86_64, Arch.X86, Arch.X32),
    "arm64": (Arch.AARCH64, Arch.ARM),
}

# Refused with EPERM whatever the arguments, group by group. A name an ABI does not have (vm86 on
# x86_64, iopl on arm, umount on anything but i386) is left out of that ABI's rules.
REFUSED = [
    # Mounts and the root: the sandbox's view of the file system is bubblewrap's to make.
    "mount", "umount", "umount2", "pivot_root", "chroot",
    # The new mount API (Linux 5.2+, mount_setattr 5.12): the same as mount by other means.
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    # New namespaces, or joining others: a user namespace inside would give back every capability
    # and, with it, mounts. clone with a namespace flag is refused below.
    "unshare", "setns",
    # Replacing the kernel or loading code into it.
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    # Opening a file by handle walks past the sandbox's root ("shocker", the first container escape).
    "open_by_handle_at", "name_to_handle_at",
    # Raw I/O port access (x86 only).
    "iopl", "ioperm",
    # The machine's own state: swap, kernel log, reboot, process accounting, quotas.
    "swapon", "swapoff", "syslog", "reboot", "acct", "quotactl",
    # Obsolete, or rarely needed by a package and with a record of kernel exploits.
    "lookup_dcookie", "uselib", "userfaultfd", "bpf", "perf_event_open",
    # The kernel keyring is not fully namespaced (Docker's reason for refusing it too).
    "keyctl", "add_key", "request_key",
    # Virtual 8086 mode (i386 only).
    "vm86", "vm86old",
]

# clone with any of these flags makes a new namespace: refused, one rule per flag, each testing
# that flag's bit of the first argument (the flags word is argument 0 on x86_64, i386, x32,
# aarch64 and arm alike; only s390 swaps it). CLONE_NEWTIME shares its bit with the exit signal in
# clone() and is only reachable through clone3 and unshare, both refused.
CLONE_NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}

# Terminal ioctls that push input into, or act on, the controlling terminal outside the sandbox
# (TIOCSTI types into the shell that started it). The request is compared in its low 32 bits only,
# as Flatpak does: the kernel reads it as an unsigned int, so high bits set must not slip past
# (CVE-2019-10063).
REFUSED_IOCTLS = {
    "TIOCSTI": 0x5412,
    "TIOCLINUX": 0x541C,
}

# Deliberately allowed: ptrace and personality. Package test suites use them (debuggers, strace,
# sanitizers, `setarch`/`linux32` for 32-bit builds); inside the sandbox they reach only its own
# processes.


def abi_filter(abi):
    """One ABI's rules, in a filter of that ABI alone (so a name it lacks can be left out)."""
    f = seccomp.SyscallFilter(ALLOW)
    # A new filter holds the ABI of the machine running this; swap it for the target, so that the
    # output does not depend on where it is made.
    if not f.exist_arch(abi):
        f.add_arch(abi)
        f.remove_arch(Arch.NATIVE)

    def known(name):
        return seccomp.resolve_syscall(abi, name) >= 0

    for name in REFUSED:
        if known(name):
            f.add_rule(ERRNO(errno.EPERM), name)
    for flag in CLONE_NAMESPACE_FLAGS.values():
        f.add_rule(ERRNO(errno.EPERM), "clone", Arg(0, MASKED_EQ, flag, flag))
    # ENOSYS, not EPERM: glibc then falls back to clone, whose flags are checked above; clone3
    # passes its flags in memory, which a seccomp filter cannot read.
    if known("clone3"):
        f.add_rule(ERRNO(errno.ENOSYS), "clone3")
    for request in REFUSED_IOCTLS.values():
        f.add_rule(ERRNO(errno.EPERM), "ioctl", Arg(1, MASKED_EQ, 0xFFFFFFFF, request))
    return f


def skipped(abi):
    return [name for name in REFUSED if seccomp.resolve_syscall(abi, name) < 0]


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(REFUSED))
        return 0
    if len(argv) != 3 or argv[1] not in ABIS:
        print(f"usage: {argv[0]} {'|'.join(ABIS)} OUTPUT\n       {argv[0]} --list", file=sys.stderr)
        return 2
    abis = ABIS[argv[1]]
    for abi in abis:
        unknown = skipped(abi)
        if unknown:
            print(f"{argv[1]}: {abi_name(abi)} has no {', '.join(unknown)}: left out", file=sys.stderr)
    combined = abi_filter(abis[0])
    for abi in abis[1:]:
        combined.merge(abi_filter(abi))
    with open(argv[2], "wb") as out:
        combined.export_bpf(out)
    return 0


def abi_name(abi):
    names = {Arch.X86_64: "x86_64", Arch.X86: "x86", Arch.X32: "x32", Arch.AARCH64: "aarch64", Arch.ARM: "arm"}
    return names.get(abi, str(abi))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
