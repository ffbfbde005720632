package org.debian.bootc.publisher.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.publisher.failure.LintFailure;

/** bootc's fatal lint rules on small synthetic trees. */
class LintPhaseTest {

    @TempDir
    Path dir;
    Path root;
    LintPhase lint;

    @BeforeEach
    void goodTree() throws Exception {
        root = Files.createDirectories(dir.resolve("root"));
        for (String d : new String[] {"dev", "proc", "sys", "run", "tmp", "var", "etc", "sysroot", "usr/lib/modules/6.1.0-1-amd64"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("usr/lib/modules/6.1.0-1-amd64/vmlinuz"), "kernel");
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("../run"));
        Files.createSymbolicLink(root.resolve("ostree"), Path.of("sysroot/ostree"));
        lint = new LintPhase(new ProcessRunner());
    }

    private String broken() {
        return assertThrows(LintFailure.class, () -> lint.run(root)).rule();
    }

    @Test
    void aGoodTreePasses() {
        lint.run(root);
    }

    @Test
    void varRunMustBeASymlink() throws Exception {
        Files.delete(root.resolve("var/run"));
        Files.createDirectories(root.resolve("var/run"));
        assertEquals(LintPhase.VAR_RUN, broken());
    }

    @Test
    void notBothEtcAndUsrEtc() throws Exception {
        Files.createDirectories(root.resolve("usr/etc"));
        LintFailure e = assertThrows(LintFailure.class, () -> lint.run(root));
        assertEquals(LintPhase.ETC_USRETC, e.rule());
        assertTrue(e.getMessage().startsWith("lint rule etc-usretc: "), e.getMessage());
    }

    @Test
    void oneKernelDirectory() throws Exception {
        Files.createDirectories(root.resolve("usr/lib/modules/6.1.0-2-amd64"));
        Files.writeString(root.resolve("usr/lib/modules/6.1.0-2-amd64/vmlinuz"), "kernel");
        assertEquals(LintPhase.KERNEL, broken());
    }

    @Test
    void apiDirectoriesAreDirectories() throws Exception {
        Files.delete(root.resolve("tmp"));
        Files.createSymbolicLink(root.resolve("tmp"), Path.of("var/tmp"));
        assertEquals(LintPhase.API_BASE_DIRECTORIES, broken());
    }

    @Test
    void sysrootAndTheOstreeSymlink() throws Exception {
        Files.delete(root.resolve("ostree"));
        assertEquals(LintPhase.BASEIMAGE_ROOT, broken());
        Files.createSymbolicLink(root.resolve("ostree"), Path.of("sysroot/ostree"));
        Files.delete(root.resolve("sysroot"));
        assertEquals(LintPhase.BASEIMAGE_ROOT, broken());
    }

    @Test
    void namesMustBeUtf8() {
        byte[] names = "usr\0usr/bin\0caf\u00e9\0".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), LintPhase.nonUtf8(names));
        byte[] latin1 = {'u', 's', 'r', 0, 'c', 'a', 'f', (byte) 0xe9, 0};
        assertEquals(Optional.of("caf\\xe9"), LintPhase.nonUtf8(latin1));
    }

    @Test
    void aNonUtf8FileNameOnDiskIsFound() throws Exception {
        // Java cannot make such a name in a UTF-8 locale; the shell can.
        new ProcessRunner().run(java.util.List.of("sh", "-c", "touch \"$1/$(printf 'caf\\351')\"",
                "sh", root.toString()), java.time.Duration.ofSeconds(30));
        LintFailure e = assertThrows(LintFailure.class, () -> lint.run(root));
        assertEquals(LintPhase.UTF8, e.rule());
        assertTrue(e.getMessage().contains("caf\\xe9"), e.getMessage());
    }
}
