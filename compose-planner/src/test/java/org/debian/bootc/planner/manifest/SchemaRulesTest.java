package org.debian.bootc.planner.manifest;

import static org.debian.bootc.planner.manifest.ManifestFixtures.full;
import static org.debian.bootc.planner.manifest.ManifestFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.debian.bootc.events.Violation;

/**
 * Each rule of the schema, broken alone in an otherwise valid manifest, gives exactly
 * one violation: at the member, with its value, and a reason in the manifest's words.
 */
class SchemaRulesTest {

    /** Stands for "the JSON text of the member at the expected pointer". */
    private static final String AT = "<the member>";

    private static final String TOP_LEVEL_KEYS =
            "name, version, type, suite, architectures, packages, exclude, rebuild, repositories, ostree, image, disk,"
                    + " failable";
    private static final String PACKAGE_RULE = "a Debian package name: lower-case letters, digits and + . -,"
            + " at least two characters, starting with a letter or digit";
    private static final String URI_RULE = "an absolute URI with a scheme, e.g. file:///srv/local-repo";

    static Stream<Arguments> rules() {
        return Stream.of(
                // required
                rule("name is required", "/name", null, "/name", null, "name is required"),
                rule("version is required", "/version", null, "/version", null, "version is required"),
                rule("suite is required", "/suite", null, "/suite", null, "suite is required"),
                rule("architectures are required", "/architectures", null, "/architectures", null,
                        "architectures is required"),
                rule("packages are required", "/packages", null, "/packages", null, "packages is required"),
                // unknown keys, at every level
                rule("typo'd top-level key", "/archs", "[amd64]", "/archs", "[\"amd64\"]",
                        "unknown key 'archs' in the manifest (did you mean 'architectures'?); allowed keys: "
                                + TOP_LEVEL_KEYS),
                rule("unknown top-level key", "/description", "x", "/description", "\"x\"",
                        "unknown key 'description' in the manifest; allowed keys: " + TOP_LEVEL_KEYS),
                rule("typo'd image key", "/image/tags", "v2", "/image/tags", "\"v2\"",
                        "unknown key 'tags' in image (did you mean 'tag'?); allowed keys: repository, tag, labels"),
                rule("typo'd ostree key", "/ostree/branch", "x", "/ostree/branch", "\"x\"",
                        "unknown key 'branch' in ostree; allowed keys: ref"),
                rule("typo'd failable key", "/failable/arches", "[arm64]", "/failable/arches", "[\"arm64\"]",
                        "unknown key 'arches' in failable (did you mean 'architectures'?);"
                                + " allowed keys: architectures, packages"),
                rule("typo'd rebuild key", "/rebuild/0/sources", "hello", "/rebuild/0/sources", "\"hello\"",
                        "unknown key 'sources' in rebuild entry (did you mean 'source'?);"
                                + " allowed keys: source, version, dsc, profile"),
                rule("typo'd dsc key", "/rebuild/1/dsc/sha265", "x", "/rebuild/1/dsc/sha265", "\"x\"",
                        "unknown key 'sha265' in rebuild dsc (did you mean 'sha256'?);"
                                + " allowed keys: location, sha256, files"),
                rule("unknown dsc file key", "/rebuild/1/dsc/files/0/checksum", "x",
                        "/rebuild/1/dsc/files/0/checksum", "\"x\"",
                        "unknown key 'checksum' in dsc file; allowed keys: name, location, sha256, size"),
                rule("signed-by for signed_by", "/repositories/0/signed-by", "/k.gpg", "/repositories/0/signed-by",
                        "\"/k.gpg\"", "unknown key 'signed-by' in repository (did you mean 'signed_by'?);"
                                + " allowed keys: uri, suite, components, signed_by"),
                // the document and its scalars
                rule("manifest is not a mapping", "", "[1]", "", "[1]",
                        "the manifest must be a mapping (object), found a list (array)"),
                rule("name pattern", "/name", "-x", "/name", "\"-x\"", "name '-x' is not a valid compose name:"
                        + " letters, digits and . _ + -, starting with a letter or digit"),
                rule("name length", "/name", "n".repeat(101), "/name", AT,
                        "name is 101 characters long, longer than the limit of 100"),
                rule("version as a YAML number", "/version", "1", "/version", "1",
                        "version must be a string, found an integer 1; quote it in YAML so it stays text"),
                rule("version pattern", "/version", "1-2", "/version", "\"1-2\"", "version '1-2' is not a valid"
                        + " compose version: letters, digits and . _ + ~ (no '-'), starting with a letter or digit"),
                rule("version length", "/version", "v".repeat(51), "/version", AT,
                        "version is 51 characters long, longer than the limit of 50"),
                rule("type enum", "/type", "weekly", "/type", "\"weekly\"",
                        "type 'weekly' is not one of production, nightly, test, ci"),
                rule("suite enum", "/suite", "bookwork", "/suite", "\"bookwork\"",
                        "suite 'bookwork' is not one of bookworm, trixie, sid"),
                rule("suite of the wrong type is one violation, not two", "/suite", "12", "/suite", "12",
                        "suite must be a string, found an integer 12; quote it in YAML so it stays text"),
                // architectures
                rule("architectures empty", "/architectures", "[]", "/architectures", "[]",
                        "architectures must not be empty"),
                rule("architecture enum", "/architectures", "[amd64, arm64, armhf]", "/architectures/2", "\"armhf\"",
                        "architecture 'armhf' is not one of amd64, arm64"),
                rule("architecture twice", "/architectures", "[amd64, arm64, amd64]", "/architectures/2",
                        "\"amd64\"", "architecture 'amd64' is listed twice (first at /architectures/0)"),
                rule("architectures as a string", "/architectures", "amd64", "/architectures", "\"amd64\"",
                        "architectures must be a list (array), found a string 'amd64'; write a list, e.g. [amd64]"),
                // packages, exclude
                rule("packages empty", "/packages", "[]", "/packages", "[]", "packages must not be empty"),
                rule("packages left blank in YAML", "/packages", "null", "/packages", "null",
                        "packages must be a list (array), found nothing (null)"),
                rule("package name", "/packages/1", "Systemd", "/packages/1", "\"Systemd\"",
                        "package 'Systemd' is not " + PACKAGE_RULE + "; {arch} may stand for the architecture"),
                rule("package name of one letter", "/packages/1", "a", "/packages/1", "\"a\"",
                        "package 'a' is not " + PACKAGE_RULE + "; {arch} may stand for the architecture"),
                rule("package twice", "/packages/5", "ostree", "/packages/5", "\"ostree\"",
                        "package 'ostree' is listed twice (first at /packages/2)"),
                rule("excluded package name", "/exclude/0", "X", "/exclude/0", "\"X\"",
                        "excluded package 'X' is not " + PACKAGE_RULE),
                rule("excluded package twice", "/exclude/1", "buildah", "/exclude/1", "\"buildah\"",
                        "excluded package 'buildah' is listed twice (first at /exclude/0)"),
                // rebuild
                rule("rebuild entry as a bare name", "/rebuild/0", "hello", "/rebuild/0", "\"hello\"",
                        "rebuild entry must be a mapping (object), found a string 'hello'; write it as - source: hello"),
                rule("rebuild entry without source or dsc", "/rebuild/0", "{profile: nocheck}", "/rebuild/0",
                        "{\"profile\":\"nocheck\"}", "rebuild entry needs source (a source package of the suite)"
                                + " or dsc (a .dsc given by location and sha256)"),
                rule("rebuild entry with source and dsc", "/rebuild/1/source", "jq", "/rebuild/1", AT,
                        "rebuild entry has both source and dsc; give exactly one"),
                rule("rebuild version with dsc", "/rebuild/1/version", "1.7.1-3", "/rebuild/1/version", "\"1.7.1-3\"",
                        "rebuild version can only be given with source: a dsc rebuild builds the version its .dsc names"),
                rule("rebuild source name", "/rebuild/0/source", "Hello", "/rebuild/0/source", "\"Hello\"",
                        "rebuild source 'Hello' is not " + PACKAGE_RULE),
                rule("rebuild version", "/rebuild/0/version", "2.10 3", "/rebuild/0/version", "\"2.10 3\"",
                        "rebuild version '2.10 3' is not a Debian version: [epoch:]upstream[-revision],"
                                + " e.g. 2.10-3 or 1:2.3-1"),
                rule("build profile", "/rebuild/0/profile", "nocheck,nodoc", "/rebuild/0/profile",
                        "\"nocheck,nodoc\"", "build profile 'nocheck,nodoc' is not a list of build profile names"
                                + " separated by single spaces, e.g. 'nocheck nodoc'"),
                rule("dsc without sha256", "/rebuild/1/dsc/sha256", null, "/rebuild/1/dsc/sha256", null,
                        "rebuild dsc sha256 is required"),
                rule("dsc without files", "/rebuild/1/dsc/files", null, "/rebuild/1/dsc/files", null,
                        "rebuild dsc files is required"),
                rule("dsc location not a URI", "/rebuild/1/dsc/location", "jq_1.7.1-3.dsc",
                        "/rebuild/1/dsc/location", "\"jq_1.7.1-3.dsc\"",
                        "rebuild dsc location 'jq_1.7.1-3.dsc' is not " + URI_RULE),
                rule("dsc location not a .dsc", "/rebuild/1/dsc/location", "file:///srv/sources/jq_1.7.1.orig.tar.gz",
                        "/rebuild/1/dsc/location", AT, "rebuild dsc location 'file:///srv/sources/jq_1.7.1.orig.tar.gz'"
                                + " is not the location of a .dsc file (ending in .dsc)"),
                rule("dsc sha256", "/rebuild/1/dsc/sha256", "ABC", "/rebuild/1/dsc/sha256", "\"ABC\"",
                        "rebuild dsc sha256 'ABC' is not a sha256 digest: 64 lower-case hex digits"),
                rule("dsc files empty", "/rebuild/1/dsc/files", "[]", "/rebuild/1/dsc/files", "[]",
                        "rebuild dsc files must not be empty"),
                rule("dsc file twice", "/rebuild/1/dsc/files/2", "{name: jq_1.7.1.orig.tar.gz,"
                        + " location: 'file:///srv/sources/jq_1.7.1.orig.tar.gz', sha256: " + ManifestFixtures.SHA_ORIG
                        + ", size: 1000}", "/rebuild/1/dsc/files/2", AT,
                        "dsc file is listed twice (first at /rebuild/1/dsc/files/0)"),
                rule("dsc file without size", "/rebuild/1/dsc/files/0/size", null, "/rebuild/1/dsc/files/0/size",
                        null, "dsc file size is required"),
                rule("dsc file size negative", "/rebuild/1/dsc/files/0/size", "-1", "/rebuild/1/dsc/files/0/size",
                        "-1", "dsc file size must be at least 0, is -1"),
                rule("dsc file size as text", "/rebuild/1/dsc/files/0/size", "'1000'", "/rebuild/1/dsc/files/0/size",
                        "\"1000\"", "dsc file size must be an integer, found a string '1000'"),
                rule("dsc file name with a directory", "/rebuild/1/dsc/files/0/name", "a/b.tar.gz",
                        "/rebuild/1/dsc/files/0/name", "\"a/b.tar.gz\"",
                        "dsc file name 'a/b.tar.gz' is not a file name without directory"),
                rule("dsc file location relative", "/rebuild/1/dsc/files/1/location", "jq.debian.tar.xz",
                        "/rebuild/1/dsc/files/1/location", "\"jq.debian.tar.xz\"",
                        "dsc file location 'jq.debian.tar.xz' is not " + URI_RULE),
                rule("dsc file sha256", "/rebuild/1/dsc/files/1/sha256", "c", "/rebuild/1/dsc/files/1/sha256", "\"c\"",
                        "dsc file sha256 'c' is not a sha256 digest: 64 lower-case hex digits"),
                // repositories
                rule("repository without signed_by", "/repositories/0/signed_by", null,
                        "/repositories/0/signed_by", null, "repository signed_by is required"),
                rule("repository key not a path or key block", "/repositories/0/signed_by", "local-repo.gpg",
                        "/repositories/0/signed_by", "\"local-repo.gpg\"", "repository signed_by 'local-repo.gpg'"
                                + " is not an absolute path to a keyring file or an ASCII-armored OpenPGP public key block"),
                rule("repository uri", "/repositories/0/uri", "srv/local-repo", "/repositories/0/uri",
                        "\"srv/local-repo\"", "repository uri 'srv/local-repo' is not " + URI_RULE),
                rule("repository suite", "/repositories/0/suite", "./", "/repositories/0/suite", "\"./\"",
                        "repository suite './' is not an apt suite name, e.g. bookworm-backports"
                                + " (flat repositories are not supported)"),
                rule("repository components empty", "/repositories/0/components", "[]", "/repositories/0/components",
                        "[]", "repository components must not be empty"),
                rule("repository component", "/repositories/0/components/1", "main contrib",
                        "/repositories/0/components/1", "\"main contrib\"",
                        "repository component 'main contrib' is not an apt component name, e.g. main"),
                rule("repository twice", "/repositories/1", "{uri: 'file:///srv/local-repo', suite: trixie,"
                        + " components: [main, contrib], signed_by: /usr/share/keyrings/local-repo.gpg}",
                        "/repositories/1", AT, "repository is listed twice (first at /repositories/0)"),
                // ostree, image, failable
                rule("ostree as a string", "/ostree", "debian/trixie", "/ostree", "\"debian/trixie\"",
                        "ostree must be a mapping (object), found a string 'debian/trixie'"),
                rule("ostree ref pattern", "/ostree/ref", "debian/{arch}/my image", "/ostree/ref", AT,
                        "ostree.ref 'debian/{arch}/my image' is not an OSTree ref template: components of letters,"
                                + " digits, . _ - and {placeholders}, separated by '/'"),
                rule("image without repository", "/image/repository", null, "/image/repository", null,
                        "image.repository is required"),
                rule("image repository", "/image/repository", "localhost:5000/Debian", "/image/repository", AT,
                        "image.repository 'localhost:5000/Debian' is not an OCI repository: [registry[:port]/]path"
                                + " with lower-case path components and no tag, e.g. localhost:5000/debian-bootc/minimal"),
                rule("image repository with a tag", "/image/repository", "localhost:5000/debian:1", "/image/repository",
                        AT, "image.repository 'localhost:5000/debian:1' is not an OCI repository: [registry[:port]/]path"
                                + " with lower-case path components and no tag, e.g. localhost:5000/debian-bootc/minimal"),
                rule("image tag", "/image/tag", ".x", "/image/tag", "\".x\"", "image.tag '.x' is not an OCI tag:"
                        + " letters, digits and _ . -, at most 128 characters, not starting with . or -"),
                rule("image label as a number", "/image/labels/containers.bootc", "1",
                        "/image/labels/containers.bootc", "1", "image label 'containers.bootc' must be a string,"
                                + " found an integer 1; quote it in YAML so it stays text"),
                rule("image label key", "/image/labels/bad key", "x", "/image/labels/bad key", "\"x\"",
                        "key 'bad key' in image.labels is not a label key: letters, digits and . _ / -,"
                                + " starting with a letter or digit, at most 255 characters"),
                rule("image labels as a list", "/image/labels", "[a]", "/image/labels", "[\"a\"]",
                        "image.labels must be a mapping (object), found a list (array)"),
                // disk
                rule("disk without formats", "/disk/formats", null, "/disk/formats", null,
                        "disk.formats is required"),
                rule("typo'd disk key", "/disk/format", "[raw]", "/disk/format", "[\"raw\"]",
                        "unknown key 'format' in disk (did you mean 'formats'?); allowed keys: formats, size, kargs"),
                rule("disk as a string", "/disk", "qcow2", "/disk", "\"qcow2\"",
                        "disk must be a mapping (object), found a string 'qcow2'"),
                rule("disk formats empty", "/disk/formats", "[]", "/disk/formats", "[]",
                        "disk.formats must not be empty"),
                rule("disk formats as a string", "/disk/formats", "qcow2", "/disk/formats", "\"qcow2\"",
                        "disk.formats must be a list (array), found a string 'qcow2'; write a list, e.g. [qcow2]"),
                rule("disk format enum", "/disk/formats/1", "vmdk", "/disk/formats/1", "\"vmdk\"",
                        "disk format 'vmdk' is not one of raw, qcow2"),
                rule("disk format twice", "/disk/formats/1", "raw", "/disk/formats/1", "\"raw\"",
                        "disk format 'raw' is listed twice (first at /disk/formats/0)"),
                rule("disk size without a unit", "/disk/size", "'4096'", "/disk/size", "\"4096\"",
                        "disk.size '4096' is not a disk size: a whole number of MiB or GiB with its unit, M or G,"
                                + " e.g. 4G or 3072M"),
                rule("disk size in another unit", "/disk/size", "4GiB", "/disk/size", "\"4GiB\"",
                        "disk.size '4GiB' is not a disk size: a whole number of MiB or GiB with its unit, M or G,"
                                + " e.g. 4G or 3072M"),
                rule("disk size as a YAML number", "/disk/size", "4096", "/disk/size", "4096",
                        "disk.size must be a string, found an integer 4096; give the unit, e.g. 4096G or 4096M"),
                rule("disk karg with a space", "/disk/kargs/0", "quiet splash", "/disk/kargs/0", "\"quiet splash\"",
                        "disk karg 'quiet splash' is not a kernel argument: non-empty, without white space;"
                                + " give each argument as its own item"),
                rule("disk karg empty", "/disk/kargs/1", "''", "/disk/kargs/1", "\"\"",
                        "disk karg '' is not a kernel argument: non-empty, without white space;"
                                + " give each argument as its own item"),
                rule("disk karg too long", "/disk/kargs/0", "x".repeat(257), "/disk/kargs/0", AT,
                        "disk karg is 257 characters long, longer than the limit of 256"),
                rule("disk kargs too many", "/disk/kargs", "[" + "quiet, ".repeat(64) + "quiet]", "/disk/kargs", AT,
                        "disk.kargs must have at most 64 items, has 65"),
                rule("disk karg as a number", "/disk/kargs/1", "3", "/disk/kargs/1", "3",
                        "disk karg must be a string, found an integer 3; quote it in YAML so it stays text"),
                rule("failable architecture enum", "/failable/architectures/0", "s390x", "/failable/architectures/0",
                        "\"s390x\"", "failable architecture 's390x' is not one of amd64, arm64"),
                rule("failable package name", "/failable/packages/0", "Jq", "/failable/packages/0", "\"Jq\"",
                        "failable package 'Jq' is not " + PACKAGE_RULE));
    }

    private static Arguments rule(String name, String change, String yamlValue, String pointer, String value,
            String reason) {
        return Arguments.of(name, change, yamlValue, pointer, value, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleGivesOneViolationWithPointerValueAndReason(String name, String change, String yamlValue,
            String pointer, String value, String reason) {
        JsonNode document = change.isEmpty() ? ManifestFixtures.yaml(yamlValue) : with(full(), change, yamlValue);

        List<Violation> violations = ManifestFixtures.validator().validate(document);

        String expectedValue = AT.equals(value) ? document.at(pointer).toString() : value;
        assertEquals(List.of(new Violation(pointer, expectedValue, reason)), violations);
    }

    @Test
    void theFullFixtureIsValid() {
        assertEquals(List.of(), ManifestFixtures.validator().validate(full()));
    }

    /** Every rule the schema states in a pattern or format has words in SchemaReasons, and no words are stale. */
    @Test
    void everyPatternAndFormatHasItsReason() {
        Set<String> located = new TreeSet<>();
        collect(ManifestSchema.document(), "", located);
        assertEquals(located, new TreeSet<>(SchemaReasons.RULES.keySet()));
    }

    @Test
    void typosOfEveryTopLevelKeyAreRecognised() {
        List<String> missed = new ArrayList<>();
        for (String key : TOP_LEVEL_KEYS.split(", ")) {
            String typo = key.substring(0, key.length() - 1) + "x";
            String suggestion = SchemaReasons.KeySuggestion.closest(typo, List.of(TOP_LEVEL_KEYS.split(", ")));
            if (!key.equals(suggestion)) {
                missed.add(typo + " -> " + suggestion);
            }
        }
        assertTrue(missed.isEmpty(), missed.toString());
        assertEquals(null, SchemaReasons.KeySuggestion.closest("colour", List.of(TOP_LEVEL_KEYS.split(", "))));
    }

    private static void collect(JsonNode node, String at, Set<String> located) {
        if (node.isObject()) {
            for (String keyword : List.of("pattern", "format", "propertyNames")) {
                if (node.has(keyword) && !(keyword.equals("pattern") && at.endsWith("/propertyNames"))) {
                    located.add(at + "/" + keyword);
                }
            }
            node.properties().forEach(member -> {
                if (!member.getKey().equals("propertyNames")) {
                    collect(member.getValue(), at + "/" + member.getKey().replace("~", "~0").replace("/", "~1"), located);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), at + "/" + i, located);
            }
        }
    }

    /** Keeps the fixture helper honest: a change at a pointer lands there. */
    @Test
    void fixtureChangesLandWhereTheyAreAimed() {
        ObjectNode changed = with(full(), "/image/labels/a~1b", "x");
        assertEquals("x", changed.at("/image/labels/a~1b").asText());
    }
}
