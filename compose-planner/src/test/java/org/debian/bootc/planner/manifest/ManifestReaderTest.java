package org.debian.bootc.planner.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.manifest.Manifest.Failable;
import org.debian.bootc.planner.manifest.Manifest.OstreeSettings;

class ManifestReaderTest {

    private static final String SMALLEST = """
            name: x
            version: "1"
            suite: sid
            architectures: [arm64]
            packages: [bash]
            """;

    private final ManifestReader reader = ManifestFixtures.reader();

    private List<Violation> violations(String text, MediaKind kind) {
        return assertThrows(ManifestException.class, () -> reader.read(text, kind)).violations();
    }

    @Test
    void yamlAndJsonGiveTheSameManifest() throws Exception {
        String json = ManifestFixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ManifestFixtures.full());

        Manifest fromYaml = reader.read(ManifestFixtures.FULL, MediaKind.YAML);
        Manifest fromJson = reader.read(json, MediaKind.JSON);

        assertEquals(fromYaml, fromJson);
        assertEquals("full", fromJson.name());
        assertEquals(ComposeType.CI, fromJson.type());
        assertEquals("jq", fromJson.rebuild().get(1).sourceName());
        assertEquals(2, fromJson.rebuild().get(1).dsc().files().size());
        assertEquals(1000, fromJson.rebuild().get(1).dsc().files().get(0).size());
        assertEquals("nocheck nodoc", fromJson.rebuild().get(0).profile());
        assertEquals("/usr/share/keyrings/local-repo.gpg", fromJson.repositories().get(0).signedBy());
    }

    @Test
    void absentMembersTakeTheirDefaults() throws Exception {
        Manifest manifest = reader.read(SMALLEST, MediaKind.YAML);

        assertEquals(ComposeType.PRODUCTION, manifest.type());
        assertEquals(List.of(), manifest.exclude());
        assertEquals(List.of(), manifest.rebuild());
        assertEquals(List.of(), manifest.repositories());
        assertEquals(OstreeSettings.DEFAULT, manifest.ostree());
        assertEquals("debian/sid/arm64/x", manifest.ostreeRef("arm64"));
        assertNull(manifest.image());
        assertEquals(Failable.NONE, manifest.failable());
    }

    @Test
    void theImageTagDefaultsToTheVersion() throws Exception {
        Manifest manifest = reader.read(SMALLEST + "image: {repository: localhost:5000/x}\n", MediaKind.YAML);

        assertEquals("1", manifest.image().tag());
        assertEquals("localhost:5000/x:1", manifest.image().reference());
    }

    @Test
    void everyViolationIsReportedAtOnceInDocumentOrder() {
        String text = """
                name: demo
                version: "1"
                suite: bookwork
                archs: [amd64]
                packages: [bash, Vim]
                exclude: [bash]
                rebuild:
                  - source: hello
                  - source: hello
                failable:
                  packages: [jq]
                """;

        ManifestException rejected = assertThrows(ManifestException.class, () -> reader.read(text, MediaKind.YAML));

        assertEquals(List.of("/architectures", "/archs", "/exclude/0", "/failable/packages/0", "/packages/1",
                "/rebuild/1/source", "/suite"), rejected.violations().stream().map(Violation::pointer).toList());
        assertTrue(rejected.getMessage().startsWith("the manifest has 7 violations:"
                + " /architectures: architectures is required; /archs: unknown key 'archs'"), rejected.getMessage());
        assertTrue(rejected.getMessage().endsWith("; …"), rejected.getMessage());
    }

    @Test
    void aTypoedKeyIsNamedWithWhatItProbablyMeant() {
        List<Violation> violations = violations(SMALLEST.replace("architectures:", "archs:"), MediaKind.YAML);

        assertEquals(new Violation("/archs", "[\"arm64\"]", "unknown key 'archs' in the manifest (did you mean"
                + " 'architectures'?); allowed keys: name, version, type, suite, architectures, packages, exclude,"
                + " rebuild, repositories, ostree, image, disk, failable"), violations.get(1));
        assertEquals(new Violation("/architectures", null, "architectures is required"), violations.get(0));
        assertEquals(2, violations.size());
    }

    @Test
    void jsonInputIsJudgedLikeYaml() {
        String json = """
                {"name": "x", "version": "1", "suite": "bookwork", "architectures": ["arm64"], "packages": ["bash"]}
                """;

        assertEquals(List.of(new Violation("/suite", "\"bookwork\"", "suite 'bookwork' is not one of bookworm, trixie, sid")),
                violations(json, MediaKind.JSON));
        assertEquals(violations(json, MediaKind.JSON), violations(json, MediaKind.YAML));
    }

    @Test
    void anUnquotedYamlVersionIsExplained() {
        assertEquals(List.of(new Violation("/version", "1.1", "version must be a string, found a number 1.1;"
                        + " quote it in YAML so it stays text")),
                violations(SMALLEST.replace("\"1\"", "1.10"), MediaKind.YAML));
    }

    /** An unclosed list: SnakeYAML reads on into the next key and stops at its colon. */
    @Test
    void badYamlGivesOneViolationWithLineAndColumn() {
        assertEquals(List.of(new Violation("", null, "not valid YAML at line 5, column 9: while parsing a flow"
                        + " sequence; expected ',' or ']', but got :")),
                violations(SMALLEST.replace("[arm64]", "[arm64"), MediaKind.YAML));
    }

    @Test
    void badJsonGivesOneViolationWithLineAndColumn() {
        assertEquals(List.of(new Violation("", null, "not valid JSON at line 2, column 13: Unexpected character"
                        + " ('}' (code 125)): expected a valid value (JSON String, Number, Array, Object or token"
                        + " 'null', 'true' or 'false')")),
                violations("{\"name\": \"x\",\n \"version\": }", MediaKind.JSON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "YAML | 'name: x\nname: y\n'           | not valid YAML at line 2, column 5: key 'name' appears twice in the same mapping",
        "JSON | '{\"name\": \"x\", \"name\": \"y\"}' | not valid JSON at line 1, column 21: key 'name' appears twice in the same mapping",
        "YAML | 'name: x\n---\nname: y\n'      | not valid YAML at line 3, column 1: more follows the manifest (a second document after '---'?); send one manifest",
        "JSON | '{\"name\": \"x\"} {}'           | not valid JSON at line 1, column 15: more follows the manifest",
        "YAML | ''                             | the manifest is empty",
        "YAML | '# only a comment\n'           | the manifest is empty",
        "JSON | '  '                           | the manifest is empty",
    })
    void duplicateKeysSecondDocumentsAndEmptyTextAreRejected(MediaKind kind, String text, String reason) {
        assertEquals(List.of(new Violation("", null, reason)), violations(text.replace("\\n", "\n"), kind));
    }

    @Test
    void parseGivesTheTreeForTheComposeRequestedEvent() throws Exception {
        JsonNode tree = reader.parse(SMALLEST, MediaKind.YAML);

        assertEquals("sid", tree.path("suite").asText());
        assertEquals(reader.read(SMALLEST, MediaKind.YAML), reader.fromJson(tree));
    }

    @Test
    void aRejectionAlwaysCarriesAViolation() {
        assertThrows(IllegalArgumentException.class, () -> new ManifestException(List.of()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "application/json                | JSON",
        "application/json; charset=utf-8 | JSON",
        "application/vnd.compose+json    | JSON",
        "application/yaml                | YAML",
        "Application/YAML                | YAML",
        "application/x-yaml              | YAML",
        "text/yaml; charset=utf-8        | YAML",
        "text/x-yaml                     | YAML",
    })
    void mediaKindFromContentType(String contentType, MediaKind kind) {
        assertEquals(Optional.of(kind), MediaKind.fromContentType(contentType));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", ""})
    void otherContentTypesHaveNoKind(String contentType) {
        assertEquals(Optional.empty(), MediaKind.fromContentType(contentType));
        assertEquals(Optional.empty(), MediaKind.fromContentType(null));
    }
}
