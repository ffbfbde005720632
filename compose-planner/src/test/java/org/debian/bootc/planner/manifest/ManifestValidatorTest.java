package org.debian.bootc.planner.manifest;

import static org.debian.bootc.planner.manifest.ManifestFixtures.CLOCK;
import static org.debian.bootc.planner.manifest.ManifestFixtures.full;
import static org.debian.bootc.planner.manifest.ManifestFixtures.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.Violation;

/** The hook for the archive checks: when they run, and how their answers come back. */
class ManifestValidatorTest {

    private final List<Manifest> seen = new ArrayList<>();

    private final ArchiveCheck unknownPackage = manifest -> {
        seen.add(manifest);
        return List.of(new Violation("/packages/2", "\"ostree\"", "package 'ostree' is not in trixie for arm64"));
    };

    private final ArchiveCheck badChecksum = manifest -> List.of(new Violation("/rebuild/1/dsc/sha256",
            "\"" + ManifestFixtures.SHA_DSC + "\"", "the .dsc at file:///srv/sources/jq_1.7.1-3.dsc has another sha256"));

    @Test
    void archiveChecksSeeTheManifestAndTheirViolationsComeBackInDocumentOrder() {
        ManifestValidator validator = new ManifestValidator(List.of(badChecksum, unknownPackage), CLOCK);

        List<Violation> violations = validator.validate(full());

        assertEquals(List.of("/packages/2", "/rebuild/1/dsc/sha256"), violations.stream().map(Violation::pointer).toList());
        assertEquals("full", seen.get(0).name());
    }

    @Test
    void archiveChecksWaitUntilTheManifestIsWellFormed() {
        ManifestValidator validator = new ManifestValidator(List.of(unknownPackage), CLOCK);

        List<Violation> violations = validator.validate(with(full(), "/suite", "bookwork"));

        assertEquals(List.of("/suite"), violations.stream().map(Violation::pointer).toList());
        assertEquals(List.of(), seen);
    }

    @Test
    void theReaderRejectsWhatAnArchiveCheckFinds() {
        ManifestReader reader = new ManifestReader(new ManifestValidator(List.of(unknownPackage), CLOCK));

        ManifestException rejected = assertThrows(ManifestException.class, () -> reader.fromJson(full()));

        assertEquals(unknownPackage.check(null), rejected.violations());
    }

    @Test
    void aPassingArchiveCheckLetsTheManifestThrough() throws Exception {
        ManifestReader reader = new ManifestReader(new ManifestValidator(List.of(manifest -> List.of()), CLOCK));

        assertEquals("full", reader.fromJson(full()).name());
    }

    /** An unreachable archive is not the manifest's fault: the request must be retried, not rejected. */
    @Test
    void anArchiveThatCannotBeReadIsAnErrorNotAViolation() {
        UncheckedIOException down = new UncheckedIOException("archive unreachable", new IOException("timeout"));
        ManifestValidator validator = new ManifestValidator(List.of(manifest -> {
            throw down;
        }), CLOCK);

        assertSame(down, assertThrows(UncheckedIOException.class, () -> validator.validate(full())));
    }

    @Test
    void anArchiveCheckMustAnswer() {
        ManifestValidator validator = new ManifestValidator(List.of(manifest -> null), CLOCK);

        assertThrows(NullPointerException.class, () -> validator.validate(full()));
    }
}
