package org.debian.bootc.planner.manifest;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.events.Violation;

/**
 * The one validation both intake paths (REST and {@code compose-requested}) use: the
 * JSON Schema, then the rules that relate parts of the manifest to each other, then
 * the {@link ArchiveCheck}s. Every violation is reported, not the first: the schema
 * and the semantic checks run together; the archive checks run once those pass,
 * because they need a well-formed manifest and cost a look at the archive.
 *
 * <p>Stateless and thread-safe once built; usable from a CDI producer.
 */
public final class ManifestValidator {

    private final List<ArchiveCheck> archiveChecks;
    private final Clock clock;

    /** Schema and semantic checks only. */
    public ManifestValidator() {
        this(List.of(), Clock.systemUTC());
    }

    /**
     * @param archiveChecks run in order on a manifest that passed the other checks
     * @param clock gives the date of the compose id that must be constructible (UTC, as the intake uses)
     */
    public ManifestValidator(List<? extends ArchiveCheck> archiveChecks, Clock clock) {
        this.archiveChecks = List.copyOf(archiveChecks);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Every violation in {@code manifest}, in document order; empty when it is acceptable. */
    public List<Violation> validate(JsonNode manifest) {
        return check(manifest).violations();
    }

    /** The violations, and the manifest when there are none. */
    Outcome check(JsonNode document) {
        List<Violation> schema = ManifestSchema.validate(document);
        Set<String> reported = schema.stream().map(Violation::pointer).collect(Collectors.toSet());
        List<Violation> violations = new ArrayList<>(schema);
        // A value the schema rejected says nothing more when a semantic rule trips over it too.
        SemanticChecks.check(document, LocalDate.now(clock)).stream()
                .filter(v -> !reported.contains(v.pointer()))
                .forEach(violations::add);
        if (!violations.isEmpty()) {
            violations.sort(Wording.BY_POINTER);
            return new Outcome(null, List.copyOf(violations));
        }
        Manifest manifest = ManifestBinding.bind(document);
        for (ArchiveCheck check : archiveChecks) {
            violations.addAll(Objects.requireNonNull(check.check(manifest), () -> check + " returned null"));
        }
        violations.sort(Wording.BY_POINTER);
        return new Outcome(violations.isEmpty() ? manifest : null, List.copyOf(violations));
    }

    /** {@code manifest} is null exactly when there are violations. */
    record Outcome(Manifest manifest, List<Violation> violations) {
    }
}
