package org.debian.bootc.debian.relation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.debian.bootc.debian.relation.Dependencies.Alternative;
import org.debian.bootc.debian.relation.Dependencies.Relation;

/**
 * Relationship fields as they appear in Sources. The fields are written in the style of real
 * packages (hello, coreutils, systemd, a Python module, a toolchain), not copied from the archive.
 */
class DependenciesTest {

    private static List<String> names(List<Relation> relations) {
        return relations.stream().map(Relation::toString).toList();
    }

    @Test
    void helloNeedsOnlyDebhelperCompat() {
        Dependencies deps = Dependencies.parse("Build-Depends", "debhelper-compat (= 13)");

        assertEquals(1, deps.relations().size());
        Alternative only = deps.relations().get(0).alternatives().get(0);
        assertEquals("debhelper-compat", only.name());
        assertEquals("=", only.version().operator());
        assertEquals("13", only.version().version());
        assertNull(only.architectureQualifier());
        assertNull(only.architectures());
        assertTrue(only.profiles().isEmpty());
    }

    @Test
    void coreutilsStyleArchitectureRestrictionsAndNocheck() {
        Dependencies deps = Dependencies.parse("Build-Depends", "debhelper-compat (= 13), gettext (>= 0.19.2), "
                + "autoconf, automake, autopoint, bison, groff-base, help2man, texinfo, libacl1-dev [linux-any], "
                + "libattr1-dev [linux-any], libcap-dev [linux-any], libgmp-dev, libselinux1-dev [linux-any], "
                + "libssl-dev, strace [!hurd-any !kfreebsd-any] <!nocheck>");

        assertEquals(16, deps.relations().size());
        assertEquals(16, deps.forBuild("amd64", Set.of()).size());
        assertEquals(15, deps.forBuild("amd64", Set.of("nocheck")).size());
        List<String> onHurd = names(deps.forBuild("hurd-amd64", Set.of()));
        assertEquals(11, onHurd.size());
        assertFalse(onHurd.stream().anyMatch(name -> name.startsWith("strace") || name.startsWith("libacl1-dev")));
    }

    @Test
    void foldedSourcesFieldWithQualifiersAndProfiles() {
        String field = "debhelper-compat (= 13),\n dh-sequence-python3,\n python3-all:any,\n"
                + " python3-setuptools,\n python3-pytest <!nocheck>,\n python3-sphinx <!nodoc>,\n";

        Dependencies deps = Dependencies.parse("Build-Depends", field);

        assertEquals(List.of("debhelper-compat (= 13)", "dh-sequence-python3", "python3-all:any",
                "python3-setuptools", "python3-pytest <!nocheck>", "python3-sphinx <!nodoc>"),
                names(deps.relations()));
        assertEquals("any", deps.relations().get(2).alternatives().get(0).architectureQualifier());
        assertEquals(List.of("debhelper-compat (= 13)", "dh-sequence-python3", "python3-all:any",
                "python3-setuptools"), names(deps.forBuild("arm64", Set.of("nocheck", "nodoc"))));
    }

    @Test
    void systemdStyleAlternativesLoseOnlyTheAlternativeTheirRestrictionExcludes() {
        Dependencies deps = Dependencies.parse("Build-Depends",
                "debhelper-compat (= 13), meson (>= 0.53.2), gperf, libcap-dev (>= 1:2.24-9~),\n"
                        + " gnu-efi [amd64 i386 arm64 armhf riscv64] <!noefi>,\n"
                        + " libapparmor-dev (>= 2.13) <!stage1>,\n"
                        + " libsystemd-dev [linux-any] | libelogind-dev,\n"
                        + " python3-jinja2, python3-pyelftools <!noinsttest> | python3-minimal");

        assertEquals("1:2.24-9~", deps.relations().get(3).alternatives().get(0).version().version());
        List<String> full = names(deps.forBuild("amd64", Set.of()));
        assertTrue(full.contains("libsystemd-dev [linux-any] | libelogind-dev"), full.toString());
        List<String> hurd = names(deps.forBuild("hurd-i386", Set.of("stage1", "noinsttest")));
        assertTrue(hurd.contains("libelogind-dev"), hurd.toString());
        assertTrue(hurd.contains("python3-minimal"), hurd.toString());
        assertFalse(hurd.stream().anyMatch(name -> name.startsWith("gnu-efi") || name.startsWith("libapparmor")));
        List<String> s390x = names(deps.forBuild("s390x", Set.of()));
        assertFalse(s390x.stream().anyMatch(name -> name.startsWith("gnu-efi")), s390x.toString());
    }

    @Test
    void toolchainStyleNativeQualifiersAndStageProfiles() {
        Dependencies deps = Dependencies.parse("Build-Depends",
                "binutils:native (>= 2.40) | binutils-multiarch:native (>= 2.40), perl:native, "
                        + "libc6-dev (>= 2.36) <!stage1>, gcc-multilib [amd64 i386 x32] <!nocheck> <stage2 cross>");

        Alternative binutils = deps.relations().get(0).alternatives().get(1);
        assertEquals("binutils-multiarch", binutils.name());
        assertEquals("native", binutils.architectureQualifier());
        assertEquals(">=", binutils.version().operator());
        assertEquals(List.of(List.of("!nocheck"), List.of("stage2", "cross")),
                deps.relations().get(3).alternatives().get(0).profiles());
        assertEquals(4, deps.forBuild("amd64", Set.of()).size());
        assertEquals(2, deps.forBuild("amd64", Set.of("stage1", "nocheck")).size());
        assertEquals(3, deps.forBuild("amd64", Set.of("stage1", "nocheck", "stage2", "cross")).size());
        assertEquals(3, deps.forBuild("arm64", Set.of()).size());
    }

    @Test
    void profileGroupsAreOredAndTermsInsideAGroupAnded() {
        Alternative both = Dependencies.parse("Build-Depends", "foo <stage1 cross>").relations().get(0)
                .alternatives().get(0);
        Alternative either = Dependencies.parse("Build-Depends", "foo <stage1> <cross>").relations().get(0)
                .alternatives().get(0);

        assertFalse(both.appliesTo("amd64", Set.of("stage1")));
        assertTrue(both.appliesTo("amd64", Set.of("stage1", "cross")));
        assertTrue(either.appliesTo("amd64", Set.of("stage1")));
        assertTrue(either.appliesTo("amd64", Set.of("cross")));
        assertFalse(either.appliesTo("amd64", Set.of()));
    }

    @Test
    void everyVersionOperatorAndTheObsoleteOnesAsDpkgReadsThem() {
        Dependencies deps = Dependencies.parse("Build-Depends",
                "a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1), f (< 1), g (> 1), h(>=1:2.0~rc1+dfsg-3)");

        assertEquals(List.of("<<", "<=", "=", ">=", ">>", "<=", ">=", ">="), deps.relations().stream()
                .map(relation -> relation.alternatives().get(0).version().operator()).toList());
        assertEquals("1:2.0~rc1+dfsg-3", deps.relations().get(7).alternatives().get(0).version().version());
    }

    @Test
    void whitespaceAnywhereBetweenTokens() {
        Dependencies tight = Dependencies.parse("Build-Depends", "a(>=1)[amd64]<!nocheck>|b:any,c");
        Dependencies loose = Dependencies.parse("Build-Depends",
                "  a ( >= 1 )\n [ amd64 ]\t< !nocheck >\n |\n b:any ,\n\tc , ");

        assertEquals(tight.relations(), loose.relations());
        assertEquals("a (>= 1) [amd64] <!nocheck> | b:any, c", tight.toString());
        assertEquals(tight.relations(), Dependencies.parse("Build-Depends", tight.toString()).relations());
    }

    @Test
    void absentOrBlankFieldIsEmpty() {
        assertTrue(Dependencies.parse("Build-Depends-Arch", null).relations().isEmpty());
        assertTrue(Dependencies.parse("Build-Depends-Arch", " \n ").relations().isEmpty());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" fails at {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "debhelper-compat (= 13;           17; '(' of debhelper-compat is not closed",
        "foo (>= );                        8;  expected a version after '>=' of foo",
        "foo (~ 1);                        5;  expected a version operator",
        "foo (=> 1);                       5;  unknown version operator '=>'",
        "foo (>= 1.0 bar);                 12; expected ')' to close the version of foo",
        "foo, , bar;                       5;  empty relation between two commas",
        "foo [amd64 !arm64];               11; mixes negated and plain architectures",
        "foo [];                           4;  empty architecture restriction",
        "foo [amd64;                       4;  '[' of foo is not closed",
        "foo <>;                           4;  empty build profile restriction",
        "foo <!nocheck;                    4;  '<' of foo is not closed",
        "foo <!NoCheck>;                   6;  expected a build profile name",
        "Foo;                              0;  expected a package name",
        "fooBar;                           3;  package names are lower case",
        "foo | | bar;                      6;  expected a package name",
        "foo |;                            5;  expected a package name",
        "foo bar;                          4;  expected ',' or '|' after foo",
        "foo [amd64] (>= 1);               12; expected ',' or '|' after foo",
        "foo (>= 1) (>= 2);                11; expected ',' or '|' after foo",
        "foo:;                             4;  expected an architecture qualifier",
        "foo, ${misc:Depends};             5;  expected a package name",
    })
    void malformedFieldsNameTheFieldAndTheOffset(String text, int offset, String reason) {
        DependencySyntaxException e = assertThrows(DependencySyntaxException.class,
                () -> Dependencies.parse("Build-Depends-Indep", text));

        assertEquals("Build-Depends-Indep", e.field());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("Build-Depends-Indep, offset " + offset + ": "), e.getMessage());
    }

    @Test
    void errorMessageShowsTheTextAtTheOffsetOnOneLine() {
        DependencySyntaxException e = assertThrows(DependencySyntaxException.class,
                () -> Dependencies.parse("Build-Depends", "gettext,\n libfoo-dev [amd64\n , bar"));
        DependencySyntaxException unclosed = assertThrows(DependencySyntaxException.class,
                () -> Dependencies.parse("Build-Depends", "gettext,\n libfoo-dev (>= 1.0\n"));

        assertEquals("Build-Depends, offset 21: '(' of libfoo-dev is not closed; at \"(>= 1.0\\n\"",
                unclosed.getMessage());

        assertEquals("Build-Depends, offset 29: expected an architecture name, or ']' to close the '[' of "
                + "libfoo-dev; at \", bar\"", e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0} matches {1}: {2}")
    @CsvSource({
        "any,          amd64,          true",
        "amd64,        amd64,          true",
        "amd64,        arm64,          false",
        "linux-any,    amd64,          true",
        "linux-any,    armhf,          true",
        "linux-any,    hurd-i386,      false",
        "hurd-any,     hurd-amd64,     true",
        "kfreebsd-any, amd64,          false",
        "any-amd64,    amd64,          true",
        "any-amd64,    kfreebsd-amd64, true",
        "any-amd64,    arm64,          false",
        "any-arm,      armhf,          true",
        "any-arm,      armel,          true",
        "any-arm,      arm64,          false",
        "any-i386,     hurd-i386,      true",
        "linux-amd64,  amd64,          true",
    })
    void architectureWildcards(String pattern, String architecture, boolean matches) {
        assertEquals(matches, ArchitectureWildcard.matches(pattern, architecture));
    }
}
