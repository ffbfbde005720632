package org.debian.bootc.debian.sandbox;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed filters against the script that makes them, and the host's filter in the real
 * bubblewrap. The sandbox runs its programs as root of a new user namespace with every capability
 * there, so without the filter they may mount, unshare and chroot: each probe is run once without
 * the filter, where it must succeed (else the test would pass for the wrong reason), and once with
 * it, where it must fail.
 */
class SeccompFilterIT {

    /** Maven runs the tests in the module's directory. */
    private static final Path SCRIPT = Path.of("src/main/seccomp/sandbox_filter.py");
    private static final Path RESOURCES = Path.of("src/main/resources/org/debian/bootc/debian/sandbox");
    /** Debian's Python, which has python3-seccomp (a python3 first on PATH may not). */
    private static final String PYTHON = "/usr/bin/python3";

    /** Syscall numbers for the raw-syscall probes, which ask the kernel past what the tools print. */
    private static final Map<String, Map<String, Integer>> SYSCALLS = Map.of(
            "amd64", Map.of("mount", 165, "clone", 56),
            "arm64", Map.of("mount", 40, "clone", 220));

    private final ProcessRunner runner = new ProcessRunner(Duration.ofMinutes(1));

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "arm64"})
    void theCommittedFilterIsWhatTheScriptMakes(String arch, @TempDir Path dir) throws Exception {
        Path made = dir.resolve("seccomp-" + arch + ".bpf");
        runner.run(Command.of(PYTHON, SCRIPT.toString(), arch, made.toString()));

        Path committed = RESOURCES.resolve("seccomp-" + arch + ".bpf");
        String regenerate = "the committed " + committed + " is not what " + SCRIPT + " makes; regenerate it from "
                + "the debian module with: " + PYTHON + " " + SCRIPT + " " + arch + " " + committed;
        assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(committed), regenerate);
        assertArrayEquals(Files.readAllBytes(made), SeccompFilter.of(arch).bytes(), regenerate + " (and rebuild)");
    }

    @Test
    void theScriptAndTheJavaSideNameTheSameRefusedSyscalls() {
        CommandResult listed = runner.run(Command.of(PYTHON, SCRIPT.toString(), "--list").capturingStdout());
        assertEquals(SeccompFilter.REFUSED, listed.stdoutText().lines().toList());
    }

    @Test
    void withoutTheFilterRootInTheSandboxMayMountUnshareAndChroot() {
        // the control: the same probes as below, and they work
        Map<String, CommandResult> results = probe(escapes(), script -> sandboxed(null, script));
        assertAll(results.entrySet().stream().map(e -> () -> assertEquals(0, e.getValue().exitCode(),
                "without the filter, " + e.getKey() + " failed:\n" + e.getValue().output())));
    }

    @Test
    void theFilterRefusesMountsNamespacesAndChroot(@TempDir Path dir) throws Exception {
        Path filter = SeccompFilter.forHost().writeTo(dir);
        Map<String, CommandResult> results = probe(escapes(), script -> sandboxed(filter, script));

        assertAll(results.entrySet().stream().map(e -> () -> {
            CommandResult result = e.getValue();
            assertTrue(result.exitCode() != 0, e.getKey() + " succeeded under the filter:\n" + result.output());
            // mount(8) reports EPERM as root in its own words; every other probe quotes strerror
            String expected = e.getKey().startsWith("mount -t") ? "permission denied" : "Operation not permitted";
            assertTrue(result.output().contains(expected), e.getKey() + ": " + result.output());
        }));
    }

    @Test
    void ordinaryProgramsForksThreadsAndPipesRunUnderTheFilter(@TempDir Path dir) throws Exception {
        Path filter = SeccompFilter.forHost().writeTo(dir);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("echo ok", "ok");
        expected.put("id -u", "0");
        expected.put("ls -d /usr", "/usr");
        expected.put("(echo forked) & wait", "forked");
        expected.put("echo piped | cat", "piped");
        // glibc makes threads with clone3 first: ENOSYS sends it to clone, which the filter lets through
        expected.put(PYTHON + " -c 'import threading; t = threading.Thread(target=print, args=(\"threaded\",));"
                + " t.start(); t.join()'", "threaded");

        Map<String, CommandResult> results = probe(new ArrayList<>(expected.keySet()), s -> sandboxed(filter, s));
        assertAll(results.entrySet().stream().map(e -> () -> {
            assertEquals(0, e.getValue().exitCode(), e.getKey() + ":\n" + e.getValue().output());
            assertEquals(expected.get(e.getKey()), e.getValue().output().strip(), e.getKey());
        }));
    }

    @Test
    void aThirtyTwoBitProgramIsFilteredNotKilled(@TempDir Path dir) throws Exception {
        assumeTrue(SeccompFilter.forHost().arch().equals("amd64"), "the i386 probe is for amd64 hosts");
        Path source = Files.writeString(dir.resolve("probe32.c"), PROBE32);
        Path probe = dir.resolve("probe32");
        CommandResult compiled = runner.run(Command.of("gcc", "-m32", "-static", "-nostdlib", "-ffreestanding",
                "-fno-pie", "-no-pie", "-fno-stack-protector", "-o", probe.toString(), source.toString())
                .acceptingAnyExitCode());
        assumeTrue(compiled.exitCode() == 0, "cannot build an i386 program here: " + compiled.output());
        Path filter = SeccompFilter.forHost().writeTo(dir);

        CommandResult control = sandboxed(null, probe.toString());
        CommandResult filtered = sandboxed(filter, probe.toString());

        assertEquals("i386 mount=0 unshare=0", control.output().strip(), "without the filter");
        // -1 is -EPERM; a process killed for its ABI would exit 159 (SIGSYS) and print nothing
        assertEquals(0, filtered.exitCode(), "exit status " + filtered.exitCode() + ", output: " + filtered.output());
        assertEquals("i386 mount=-1 unshare=-1", filtered.output().strip(), "with the filter");
    }

    /** Ways out of the sandbox: tools first, then the raw syscalls beneath them (for this host's syscall numbers). */
    private static List<String> escapes() {
        Map<String, Integer> nr = SYSCALLS.get(SeccompFilter.forHost().arch());
        return List.of(
                "unshare -r true",
                "unshare --mount true",
                "mount -t tmpfs none /mnt",
                "chroot / true",
                // mount(2) itself, for the kernel's answer rather than mount(8)'s wording of it
                "perl -e 'my ($s, $t, $f) = (\"none\", \"/mnt\", \"tmpfs\");"
                        + " syscall(" + nr.get("mount") + ", $s, $t, $f, 0, 0) == 0 or die \"mount(2): $!\\n\"'",
                // clone with CLONE_NEWUSER | SIGCHLD: a namespace without unshare(2)
                "perl -e 'my $pid = syscall(" + nr.get("clone") + ", 0x10000011, 0, 0, 0, 0);"
                        + " exit 0 if $pid == 0; die \"clone(CLONE_NEWUSER): $!\\n\" if $pid < 0; waitpid($pid, 0)'");
    }

    private static Map<String, CommandResult> probe(List<String> scripts, Function<String, CommandResult> run) {
        Map<String, CommandResult> results = new LinkedHashMap<>();
        scripts.forEach(script -> results.put(script, run.apply(script)));
        return results;
    }

    /**
     * Runs {@code script} with {@code sh} in bubblewrap, as root of a new user namespace with all its
     * capabilities, under {@code filter} when there is one.
     */
    private CommandResult sandboxed(Path filter, String script) {
        List<String> bwrap = new ArrayList<>(List.of("bwrap", "--unshare-user", "--uid", "0", "--gid", "0",
                "--cap-add", "ALL", "--unshare-pid", "--die-with-parent", "--dev-bind", "/", "/", "--proc", "/proc"));
        if (filter == null) {
            bwrap.addAll(List.of("sh", "-c", script));
            return runner.run(Command.of(bwrap).acceptingAnyExitCode());
        }
        bwrap.addAll(List.of("--seccomp", "9", "sh", "-c", script));
        // descriptor 9, not 10: dash reads "10<file" as the word 10 and a redirect of standard input
        List<String> argv = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" 9<\"$0\"", filter.toString()));
        argv.addAll(bwrap);
        return runner.run(Command.of(argv).acceptingAnyExitCode());
    }

    /**
     * An i386 program without libc: calls mount(2) and unshare(CLONE_NEWUSER) through int $0x80 (the
     * i386 syscall numbers, filtered by the x86 part of the amd64 filter) and prints what the kernel
     * answered, -1 for EPERM.
     */
    private static final String PROBE32 = """
            static int sys(int nr, int a, int b, int c) {
                int r;
                __asm__ volatile ("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
                return r;
            }
            static void put(const char *s) { int n = 0; while (s[n]) n++; sys(4, 1, (int) s, n); }
            static void result(int r) {
                char d[12]; int i = 11; d[i] = 0;
                unsigned u = r < 0 ? -r : r;
                do { d[--i] = '0' + u % 10; u /= 10; } while (u);
                if (r < 0) d[--i] = '-';
                put(d + i);
            }
            void _start(void) {
                put("i386 mount=");
                result(sys(21, (int) "none", (int) "/mnt", (int) "tmpfs"));
                put(" unshare=");
                result(sys(310, 0x10000000, 0, 0));
                put("\\n");
                sys(1, 0, 0, 0);
            }
            """;
}
