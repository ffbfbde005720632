package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.debian.release.ReleaseVerifier;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * The package-set phase against the real Debian archive that this machine's apt
 * configuration names (or the mirror in the system property {@code archive.mirror}).
 * Indices are cached under {@code target/archive-it-cache}, so only the first run
 * on a machine downloads them.
 */
class PackageSetIT {

    private static final String SUITE = "bookworm";
    private static final String ARCH = "amd64";
    private static final Path TARGET = Path.of("target").toAbsolutePath();

    private static ProcessRunner tools;
    private static ArchiveLocation location;
    private static ArchiveClient client;
    private static AptResolver resolver;
    private static List<String> minimal;

    @BeforeAll
    static void wire() throws IOException {
        // surefire's -Dtest='org.debian.bootc.planner.archive.**' matches this class too; this test is failsafe's
        String test = System.getProperty("test");
        assumeFalse(test != null && !test.contains("IT") && System.getProperty("it.test") == null,
                "an integration test: run it with failsafe (-Dit.test=...IT)");
        tools = new ProcessRunner(Duration.ofMinutes(5));
        location = new ArchiveLocation(AptSources.ofMachine(),
                Optional.ofNullable(System.getProperty("archive.mirror")).filter(s -> !s.isBlank()).map(URI::create));
        client = new ArchiveClient(new IndexCache(TARGET.resolve("archive-it-cache")),
                new ReleaseVerifier(Duration.ofMinutes(1)), tools, Clock.systemUTC(), ArchiveClient.Options.defaults());
        resolver = new AptResolver(tools, TARGET.resolve("archive-it-work"), BaseVariant.REQUIRED);
        minimal = manifestPackages(findUp(Path.of("examples/minimal.yaml")));
    }

    /** The manifest's {@code packages}: a list of names, of {name: ...} objects, or an object holding such a list. */
    static List<String> manifestPackages(Path manifest) throws IOException {
        JsonNode packages = new ObjectMapper(new YAMLFactory()).readTree(manifest.toFile()).path("packages");
        if (packages.isObject()) {
            for (String key : List.of("include", "install", "names", "list")) {
                if (packages.path(key).isArray()) {
                    packages = packages.path(key);
                    break;
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (JsonNode p : packages) {
            names.add(p.isTextual() ? p.asText() : p.path("name").asText(p.path("package").asText()));
        }
        assertFalse(names.isEmpty(), "no packages list in " + manifest);
        return names;
    }

    private static Path findUp(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    private static ArchiveSnapshot snapshot() {
        return client.snapshot(location.forSuite(SUITE), SUITE, IndexSelection.main(List.of(ARCH)));
    }

    @Test
    void verifiesBookwormsInReleaseWithTheMachinesKeyring() {
        Archive archive = location.forSuite(SUITE);

        ArchiveSnapshot snapshot = client.snapshot(archive, SUITE, IndexSelection.releaseOnly());

        assertEquals(SUITE, snapshot.release().codename());
        assertEquals(snapshot.release().inReleaseSha256(), IndexCache.sha256(snapshot.inRelease()));
        assertTrue(snapshot.release().entry("main/binary-amd64/Packages").isPresent());
        assertTrue(snapshot.release().entry("main/source/Sources").isPresent());
        assertEquals(List.of(snapshot.inReleaseUri()), snapshot.downloads().stream().map(Download::uri).toList());
        System.out.printf("archive %s (from %s), InRelease sha256 %s, Date %s, keyrings %s%n", archive,
                archive.origin(), snapshot.release().inReleaseSha256(), snapshot.release().date(), snapshot.keyrings());
    }

    @Test
    void resolvesMinimalYamlAndASecondPlanFetchesOnlyInRelease() throws IOException {
        PackageSetPhase phase = new PackageSetPhase(location, client, resolver);

        long t0 = System.nanoTime();
        PackageSetPhase.Result first = phase.run(SUITE, List.of(ARCH), minimal);
        long t1 = System.nanoTime();
        PackageSetPhase.Result second = phase.run(SUITE, List.of(ARCH), minimal);
        long t2 = System.nanoTime();

        Map<String, PackageId> closure = first.packageSet().architectures().get(ARCH).stream()
                .collect(Collectors.toMap(PackageId::name, Function.identity()));
        for (String wanted : List.of("linux-image-amd64", "systemd-sysv", "ostree", "dracut")) {
            PackageId p = closure.get(wanted);
            assertTrue(p != null, wanted + " is not in the closure " + closure.keySet());
            assertFalse(p.version().isBlank(), wanted + " has no version");
        }
        assertTrue(closure.keySet().containsAll(minimal), "every listed package is in the closure");
        assertTrue(closure.keySet().stream().anyMatch(n -> n.matches("linux-image-\\d.*-amd64")),
                "the kernel meta-package pulls a versioned kernel");
        assertTrue(closure.containsKey("base-files") && closure.containsKey("dpkg"), "the required base is there");
        assertEquals("amd64", closure.get("systemd-sysv").architecture());

        assertEquals(List.of(first.snapshot().inReleaseUri()),
                second.snapshot().downloads().stream().map(Download::uri).toList(),
                "a second plan against an unchanged archive downloads only InRelease");
        if (first.packageSet().inReleaseSha256().equals(second.packageSet().inReleaseSha256())) {
            assertEquals(first.packageSet().toJson(), second.packageSet().toJson());
        }

        Path json = TARGET.resolve("archive-it-packages.json");
        Files.writeString(json, first.packageSet().toJson());
        System.out.printf("minimal.yaml (%d packages) -> %d resolved; first plan %d ms (%d requests, %d bytes),"
                + " second plan %d ms (%d requests, %d bytes); %s%n", minimal.size(), closure.size(),
                (t1 - t0) / 1_000_000, first.snapshot().downloads().size(), first.snapshot().bytesDownloaded(),
                (t2 - t1) / 1_000_000, second.snapshot().downloads().size(), second.snapshot().bytesDownloaded(),
                json);
    }

    @Test
    void anUnknownPackageIsNamedByAptAndByTheChecks() {
        ArchiveSnapshot snapshot = snapshot();
        List<String> packages = new ArrayList<>(minimal);
        packages.add("no-such-package-in-debian");

        ArchiveException.UnknownPackages e = assertThrows(ArchiveException.UnknownPackages.class,
                () -> resolver.resolve(snapshot, ARCH, packages));

        assertEquals(List.of("no-such-package-in-debian"), e.packages());
        assertTrue(e.getMessage().contains("Unable to locate package no-such-package-in-debian"), e.getMessage());

        long t0 = System.nanoTime();
        ArchiveChecks checks = ArchiveChecks.of(snapshot, ARCH);
        System.out.printf("Packages (%d stanzas) and Sources (%d stanzas) read in %d ms%n", checks.packages().size(),
                checks.sources().size(), (System.nanoTime() - t0) / 1_000_000);
        assertEquals(List.of("no-such-package-in-debian"), checks.unknownPackages(packages));
        assertTrue(checks.sourceVersion("hello", Optional.empty()).present());
        ArchiveChecks.SourceLookup missing = checks.sourceVersion("hello", Optional.of("0.0-0"));
        assertFalse(missing.present());
        assertTrue(((ArchiveChecks.SourceLookup.Missing) missing).message()
                .startsWith("source package 'hello' has no version 0.0-0 in bookworm; available: "), missing.toString());
    }

    @Test
    void conflictingPackagesQuoteAptsUnmetDependencies() {
        ArchiveSnapshot snapshot = snapshot();
        List<String> packages = new ArrayList<>(minimal);
        packages.add("sysvinit-core");

        ArchiveException.UnmetDependencies e = assertThrows(ArchiveException.UnmetDependencies.class,
                () -> resolver.resolve(snapshot, ARCH, packages));

        assertTrue(e.getMessage().contains("The following packages have unmet dependencies:"), e.getMessage());
        assertTrue(e.aptLines().stream().anyMatch(l -> l.matches("\\s*systemd-sysv : Conflicts: sysvinit-core.*")),
                e.aptLines().toString());
    }

    @Test
    void aTamperedCopyOfInReleaseIsRefused() throws IOException {
        ArchiveSnapshot genuine = client.snapshot(location.forSuite(SUITE), SUITE, IndexSelection.releaseOnly());
        Path copy = TARGET.resolve("archive-it-tampered");
        Files.createDirectories(copy.resolve("dists/" + SUITE));
        String text = Files.readString(genuine.inRelease());
        assertTrue(text.contains("\nLabel: Debian\n"));
        Files.writeString(copy.resolve("dists/" + SUITE + "/InRelease"),
                text.replace("\nLabel: Debian\n", "\nLabel: Debiam\n"));
        Archive tampered = new Archive(copy.toUri(), genuine.archive().signedBy(), "a tampered copy");

        ArchiveException.SignatureInvalid e = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> client.snapshot(tampered, SUITE, IndexSelection.releaseOnly()));

        assertTrue(e.gpgv().stream().anyMatch(l -> l.startsWith("BAD signature from \"Debian")), e.gpgv().toString());
    }

    @Test
    void aMisspelledSuiteIsNotServedByTheArchive() {
        Archive archive = location.forSuite("bookwork");

        ArchiveException e = assertThrows(ArchiveException.SuiteNotServed.class,
                () -> client.snapshot(archive, "bookwork", IndexSelection.main(List.of(ARCH))));

        assertEquals("suite 'bookwork' is not served by " + archive, e.getMessage());
    }
}
