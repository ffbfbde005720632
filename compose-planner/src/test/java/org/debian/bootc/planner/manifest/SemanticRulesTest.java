package org.debian.bootc.planner.manifest;

import static org.debian.bootc.planner.manifest.ManifestFixtures.full;
import static org.debian.bootc.planner.manifest.ManifestFixtures.with;
import static org.debian.bootc.planner.manifest.ManifestFixtures.without;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.Violation;

/** The rules that relate parts of the manifest, each broken alone in an otherwise valid manifest. */
class SemanticRulesTest {

    static Stream<Arguments> rules() {
        return Stream.of(
                rule("a package both installed and excluded",
                        m -> with(m, "/exclude/1", "ostree"),
                        new Violation("/exclude/1", "\"ostree\"",
                                "package 'ostree' is both installed (/packages/2) and excluded; keep it in one list")),
                rule("an {arch} package that is excluded on one architecture",
                        m -> with(m, "/exclude/0", "linux-image-arm64"),
                        new Violation("/exclude/0", "\"linux-image-arm64\"", "package 'linux-image-arm64' is both"
                                + " installed (/packages/0) and excluded; keep it in one list")),
                rule("a source rebuilt twice",
                        m -> with(m, "/rebuild/2", "{source: hello, profile: nocheck}"),
                        new Violation("/rebuild/2/source", "\"hello\"", "source package 'hello' is rebuilt twice"
                                + " (first at /rebuild/0); name each source once")),
                rule("a source rebuilt from the archive and from a dsc",
                        m -> with(m, "/rebuild/2", "{source: jq}"),
                        new Violation("/rebuild/2/source", "\"jq\"", "source package 'jq' is rebuilt twice"
                                + " (first at /rebuild/1); name each source once")),
                rule("a dsc whose file name does not name the source",
                        m -> with(m, "/rebuild/1/dsc/location", "file:///srv/sources/jq.dsc"),
                        new Violation("/rebuild/1/dsc/location", "\"file:///srv/sources/jq.dsc\"",
                                "rebuild dsc location 'file:///srv/sources/jq.dsc' does not name a file"
                                        + " <source>_<version>.dsc, as dpkg-source names it")),
                rule("two different dsc files of the same name",
                        m -> with(m, "/rebuild/1/dsc/files/1/name", "jq_1.7.1.orig.tar.gz"),
                        new Violation("/rebuild/1/dsc/files/1/name", "\"jq_1.7.1.orig.tar.gz\"",
                                "dsc file 'jq_1.7.1.orig.tar.gz' is listed twice (first at /rebuild/1/dsc/files/0)")),
                rule("a failable architecture the compose does not build",
                        m -> with(m, "/architectures", "[amd64]"),
                        new Violation("/failable/architectures/0", "\"arm64\"", "failable architecture 'arm64'"
                                + " is not one of the compose's architectures (amd64)")),
                rule("a failable package that is not rebuilt",
                        m -> with(m, "/failable/packages/1", "podman"),
                        new Violation("/failable/packages/1", "\"podman\"", "failable package 'podman' is not"
                                + " rebuilt, so its build cannot fail; name a source of rebuild (hello, jq)")),
                rule("a failable package in a manifest that rebuilds nothing",
                        m -> without(m, "/rebuild"),
                        new Violation("/failable/packages/0", "\"jq\"", "failable package 'jq' is not rebuilt,"
                                + " so its build cannot fail; this manifest rebuilds nothing")),
                rule("an unknown placeholder in the ostree ref",
                        m -> with(m, "/ostree/ref", "debian/{codename}/{arch}/{name}"),
                        new Violation("/ostree/ref", "\"debian/{codename}/{arch}/{name}\"", "ostree ref template"
                                + " 'debian/{codename}/{arch}/{name}' has the unknown placeholder {codename};"
                                + " use {suite}, {arch}, {name} or {version}")),
                rule("a stray brace in the ostree ref",
                        m -> with(m, "/ostree/ref", "debian/{suite/{arch}"),
                        new Violation("/ostree/ref", "\"debian/{suite/{arch}\"", "ostree ref template"
                                + " 'debian/{suite/{arch}' has a '{' or '}' that does not belong to a placeholder")),
                rule("a repository key that is not in a keyring directory",
                        m -> with(m, "/repositories/0/signed_by", "/dev/zero"),
                        new Violation("/repositories/0/signed_by", "\"/dev/zero\"", "repository signed_by '/dev/zero'"
                                + " is not a keyring file in /usr/share/keyrings, /etc/apt/keyrings,"
                                + " /etc/apt/trusted.gpg.d: give the key itself (an armoured block) or install the"
                                + " keyring there on the executors")),
                rule("a repository key path that climbs out of a keyring directory",
                        m -> with(m, "/repositories/0/signed_by", "/usr/share/keyrings/../../../etc/shadow"),
                        new Violation("/repositories/0/signed_by", "\"/usr/share/keyrings/../../../etc/shadow\"",
                                "repository signed_by '/usr/share/keyrings/../../../etc/shadow' is not a keyring file"
                                + " in /usr/share/keyrings, /etc/apt/keyrings, /etc/apt/trusted.gpg.d: give the key"
                                + " itself (an armoured block) or install the keyring there on the executors")),
                rule("an ostree ref that climbs out of the refs directory",
                        m -> with(m, "/ostree/ref", "../../../../etc/{arch}"),
                        new Violation("/ostree/ref", "\"../../../../etc/{arch}\"", "ostree ref template"
                                + " '../../../../etc/{arch}' is not an OSTree ref: each '/'-separated part must start"
                                + " with a letter, digit or _ and hold only letters, digits and . _ -")),
                rule("an ostree ref a tool would read as an option",
                        m -> with(m, "/ostree/ref", "-x/{arch}"),
                        new Violation("/ostree/ref", "\"-x/{arch}\"", "ostree ref template"
                                + " '-x/{arch}' is not an OSTree ref: each '/'-separated part must start"
                                + " with a letter, digit or _ and hold only letters, digits and . _ -")),
                rule("an ostree ref without {arch} for two architectures",
                        m -> with(m, "/ostree/ref", "debian/{suite}/{name}"),
                        new Violation("/ostree/ref", "\"debian/{suite}/{name}\"", "ostree ref template"
                                + " 'debian/{suite}/{name}' has no {arch}, so the commits of all 2 architectures"
                                + " would go to the same ref")),
                rule("a name the default ostree ref cannot hold",
                        m -> without(with(m, "/name", "full+extra"), "/ostree"),
                        new Violation("/name", "\"full+extra\"", "name 'full+extra' cannot go into the OSTree ref"
                                + " 'debian/{suite}/{arch}/{name}': ref components allow only letters, digits"
                                + " and . _ -; change it or set ostree.ref")),
                rule("a version the ostree ref cannot hold",
                        m -> with(m, "/version", "2~rc1"),
                        new Violation("/version", "\"2~rc1\"", "version '2~rc1' cannot go into the OSTree ref"
                                + " 'debian/{suite}/{arch}/{name}/{version}': ref components allow only letters,"
                                + " digits and . _ -; change it or set ostree.ref")),
                rule("a disk smaller than 2G",
                        m -> with(m, "/disk/size", "2047M"),
                        new Violation("/disk/size", "\"2047M\"", "disk.size '2047M' is smaller than 2G (2048M), the"
                                + " least that holds an EFI system partition, /boot and a root file system")),
                rule("a disk larger than 2048G",
                        m -> with(m, "/disk/size", "2049G"),
                        new Violation("/disk/size", "\"2049G\"",
                                "disk.size '2049G' is larger than 2048G, the largest disk image made")),
                rule("a disk size that would overflow a long",
                        m -> with(m, "/disk/size", "99999999999999999999G"),
                        new Violation("/disk/size", "\"99999999999999999999G\"",
                                "disk.size '99999999999999999999G' is larger than 2048G, the largest disk image made")),
                rule("a root= kernel argument",
                        m -> with(m, "/disk/kargs/1", "root=/dev/vda3"),
                        new Violation("/disk/kargs/1", "\"root=/dev/vda3\"", "disk karg 'root=/dev/vda3' sets root=,"
                                + " which the publisher sets to the deployment it made; leave it out")),
                rule("an ostree= kernel argument",
                        m -> with(m, "/disk/kargs/0", "ostree=/ostree/boot.1/debian/0"),
                        new Violation("/disk/kargs/0", "\"ostree=/ostree/boot.1/debian/0\"", "disk karg"
                                + " 'ostree=/ostree/boot.1/debian/0' sets ostree=, which the publisher sets to the"
                                + " deployment it made; leave it out")),
                rule("a serial console split at its comma by YAML",
                        m -> with(m, "/disk/kargs", "[console=ttyS0,115200n8, quiet]"),
                        new Violation("/disk/kargs/1", "\"115200n8\"", "disk karg '115200n8' looks like the rest of"
                                + " 'console=ttyS0', split at its comma by YAML; write it as one quoted item,"
                                + " \"console=ttyS0,115200n8\"")),
                rule("a default image tag that is not an OCI tag",
                        m -> without(without(with(m, "/version", "2+b1"), "/image/tag"), "/ostree"),
                        new Violation("/image/tag", null, "image.tag is required here: it defaults to the version"
                                + " '2+b1', which is not an OCI tag (letters, digits and _ . -)")));
    }

    private static Arguments rule(String name, UnaryOperator<ObjectNode> change, Violation... expected) {
        return Arguments.of(name, change, List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleGivesItsViolation(String name, UnaryOperator<ObjectNode> change, List<Violation> expected) {
        assertEquals(expected, ManifestFixtures.validator().validate(change.apply(full())));
    }

    /**
     * The schema's name and version patterns are ComposeId's, so a manifest cannot get
     * here with a name the id refuses; the check stands guard should the two drift apart.
     */
    @Test
    void aComposeIdThatCannotBeFormedIsReported() {
        ObjectNode manifest = with(full(), "/version", "1-2");

        assertEquals(List.of(new Violation("/version", "\"1-2\"", "name and version do not form a compose id"
                        + " <name>-<version>-<YYYYMMDD>[.n|.t|.ci].<respin>: compose version '1-2' is not valid:"
                        + " letters, digits and . _ + ~ (no '-'), starting with a letter or digit")),
                SemanticChecks.check(manifest, LocalDate.of(2025, 1, 31)));
    }

    @Test
    void aValueTheSchemaRejectedIsNotReportedTwice() {
        ObjectNode manifest = with(full(), "/failable/architectures/0", "s390x");

        List<Violation> violations = ManifestFixtures.validator().validate(manifest);

        assertEquals(List.of("failable architecture 's390x' is not one of amd64, arm64"),
                violations.stream().map(Violation::reason).toList());
    }
}
