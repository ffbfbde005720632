package org.debian.bootc.planner.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.debian.bootc.events.Violation;

/**
 * Reads a compose manifest from YAML or JSON text, or from a JSON tree (the
 * {@code manifest} of a {@code compose-requested} event), and validates it with a
 * {@link ManifestValidator}. Pure: no I/O beyond the text it is given; thread-safe.
 */
public final class ManifestReader {

    // A key written twice is a mistake, not a "last one wins"; a second document is not part of the manifest.
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final ManifestValidator validator;

    /** Validates with the schema and the semantic checks, no archive checks. */
    public ManifestReader() {
        this(new ManifestValidator());
    }

    public ManifestReader(ManifestValidator validator) {
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    /**
     * The manifest written in {@code text}.
     *
     * @throws ManifestException with one violation at pointer {@code ""} naming line and
     *         column when the text does not parse, else with every violation found
     */
    public Manifest read(String text, MediaKind kind) throws ManifestException {
        return fromJson(parse(text, kind));
    }

    /**
     * The manifest {@code document} holds.
     *
     * @throws ManifestException with every violation found
     */
    public Manifest fromJson(JsonNode document) throws ManifestException {
        ManifestValidator.Outcome outcome = validator.check(Objects.requireNonNull(document, "document"));
        if (!outcome.violations().isEmpty()) {
            throw new ManifestException(outcome.violations());
        }
        return outcome.manifest();
    }

    /**
     * {@code text} as a JSON tree, not yet validated: what the intake puts into a
     * {@code compose-requested} event after a YAML request.
     *
     * @throws ManifestException with one violation at pointer {@code ""} when the text is
     *         empty or does not parse
     */
    public JsonNode parse(String text, MediaKind kind) throws ManifestException {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        JsonNode document;
        try {
            document = (kind == MediaKind.YAML ? YAML : JSON).readTree(text);
        } catch (JacksonException e) {
            throw new ManifestException(List.of(new Violation("", null, parseError(e, kind))));
        }
        if (document == null || document.isMissingNode()) {
            throw new ManifestException(List.of(new Violation("", null, "the manifest is empty")));
        }
        return document;
    }

    private static String parseError(JacksonException e, MediaKind kind) {
        String what = kind == MediaKind.YAML ? "YAML" : "JSON";
        JsonLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 0 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            return "not valid " + what + where + ": more follows the manifest"
                    + (kind == MediaKind.YAML ? " (a second document after '---'?); send one manifest" : "");
        }
        if (message.startsWith("Duplicate field ")) {
            return "not valid " + what + where + ": key " + message.substring("Duplicate field ".length())
                    + " appears twice in the same mapping";
        }
        return "not valid " + what + where + ": " + problem(message);
    }

    /**
     * SnakeYAML's message without its echo of the input: the "while parsing ..." and
     * "expected ..." lines, not the "in 'reader', line ..." marks and the quoted line
     * with its caret (the line and column are given already).
     */
    private static String problem(String message) {
        List<String> lines = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                lines.add(line.strip());
            }
        }
        return lines.isEmpty() ? message.strip() : String.join("; ", lines);
    }
}
