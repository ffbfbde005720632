package org.debian.bootc.executor.buildroot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.executor.failure.SourceError;

class BuildDepsKeyTest {

    private static final String BASE = "a".repeat(64);

    private static final String SIGNED = """
            -----BEGIN PGP SIGNED MESSAGE-----
            Hash: SHA512

            Format: 3.0 (quilt)
            Source: hello
            Binary: hello
            Architecture: any
            Version: 2.10-3
            build-depends: debhelper-compat (= 13),
              help2man,
            \ttexinfo
            Build-Depends-Indep: foo [amd64] <!nocheck>
            Build-Conflicts: autoconf2.13
            Checksums-Sha256:
             0123 12 hello_2.10.orig.tar.gz

            -----BEGIN PGP SIGNATURE-----

            iQIzBAEBCgAdFiEE
            Build-Depends: not-a-field
            -----END PGP SIGNATURE-----
            """;

    @Test
    void theBuildRelationsAreReadFoldedFromASignedDsc() {
        Map<String, String> relations = BuildDepsKey.relations(SIGNED);
        assertEquals(Map.of("Build-Depends", "debhelper-compat (= 13), help2man, texinfo",
                "Build-Depends-Indep", "foo [amd64] <!nocheck>", "Build-Conflicts", "autoconf2.13"), relations);
    }

    @Test
    void dpkgCheckbuilddepsGetsTheRelationsWithoutTheSignature() {
        assertEquals("Source: bootc-build-deps-check\nBuild-Depends: debhelper-compat (= 13), help2man, texinfo\n"
                + "Build-Depends-Indep: foo [amd64] <!nocheck>\nBuild-Conflicts: autoconf2.13\n",
                BuildDepsKey.checkControl(SIGNED));
    }

    @Test
    void anUnsignedDscWithoutBuildRelationsHasNone() {
        assertEquals(Map.of(), BuildDepsKey.relations("Source: x\nVersion: 1\n"));
    }

    @Test
    void aDscThatIsNotDeb822IsASourceErrorNamingTheLine() {
        SourceError e = assertThrows(SourceError.class,
                () -> BuildDepsKey.relations("Source: x\nBuild-Depends debhelper\n"));

        assertEquals("the .dsc is not a Debian source control file: .dsc:2: expected 'Field: value', got"
                + " 'Build-Depends debhelper'", e.getMessage());
        assertEquals(SourceError.EXIT_CODE, e.exitCode());
    }

    @Test
    void theSameInputsGiveTheSameKeyAndEachInputChangesIt(@TempDir Path dir) throws Exception {
        Path dsc = Files.writeString(dir.resolve("hello_2.10-3.dsc"), SIGNED);
        BuildDepsKey key = BuildDepsKey.of(BASE, dsc, "any", Optional.empty());
        // reformatted, unsigned: the same relations, the same key
        Path plain = Files.writeString(dir.resolve("plain.dsc"), "Source: hello\nBuild-Depends: debhelper-compat"
                + " (= 13),   help2man,\n texinfo\nBuild-Depends-Indep: foo [amd64] <!nocheck>\n"
                + "Build-Conflicts: autoconf2.13\n");
        assertEquals(key.id(), BuildDepsKey.of(BASE, plain, "any", Optional.empty()).id());
        assertTrue(key.id().matches("[0-9a-f]{64}"));
        assertTrue(key.canonical().contains("base: " + BASE + "\n"), key.canonical());
        assertNotEquals(key.id(), BuildDepsKey.of("b".repeat(64), dsc, "any", Optional.empty()).id(), "base");
        assertNotEquals(key.id(), BuildDepsKey.of(BASE, dsc, "all", Optional.empty()).id(), "build type");
        assertNotEquals(key.id(), BuildDepsKey.of(BASE, dsc, "any", Optional.of("nocheck")).id(), "profile");
        Path other = Files.writeString(dir.resolve("other.dsc"), SIGNED.replace("help2man", "help2man (>= 1.0)"));
        assertNotEquals(key.id(), BuildDepsKey.of(BASE, other, "any", Optional.empty()).id(), "a relation");
    }

    @Test
    void anUnreadableDscIsNamed(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> BuildDepsKey.of(BASE, dir.resolve("missing.dsc"), "any", Optional.empty()));
        assertTrue(e.getMessage().contains("missing.dsc"), e.getMessage());
    }
}
