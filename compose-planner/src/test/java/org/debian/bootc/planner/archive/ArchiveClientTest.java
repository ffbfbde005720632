package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.debian.apt.SignedBy;
import org.debian.bootc.debian.release.ReleaseVerifier;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.ProcessRunner;

/** The client against a signed fixture archive served on loopback: the server counts every request. */
class ArchiveClientTest {

    private static final String PACKAGES = "main/binary-amd64/Packages";
    private static final String SOURCES = "main/source/Sources";

    @TempDir
    Path dir;

    private FixtureArchive fixture;
    private FixtureServer server;
    private ProcessRunner tools;

    @BeforeEach
    void serve() throws IOException {
        fixture = new FixtureArchive(dir.resolve("archive"), "bookworm")
                .index(PACKAGES, Fixtures.PACKAGES_AMD64)
                .index(SOURCES, Fixtures.SOURCES)
                .write();
        server = new FixtureServer(fixture.root());
        tools = new ProcessRunner(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ArchiveClient client(Instant now) {
        return new ArchiveClient(new IndexCache(dir.resolve("cache")),
                new ReleaseVerifier(Duration.ofMinutes(1)), tools, Clock.fixed(now, ZoneOffset.UTC),
                new ArchiveClient.Options(ArchiveClient.Options.DEBIAN_ARCHIVE_KEYRING, true, Duration.ofSeconds(30)));
    }

    private ArchiveClient client() {
        return client(Instant.parse("2023-06-11T00:00:00Z"));
    }

    private Archive archive() {
        return new Archive(server.uri(), Optional.of(SignedBy.keyring(fixture.keyring())), "test");
    }

    private ArchiveSnapshot snapshot(ArchiveClient client) {
        return client.snapshot(archive(), "bookworm", IndexSelection.main(List.of("amd64")));
    }

    private static String sha256(String text) {
        return IndexCache.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void fetchesByHashOnceAndThenOnlyInRelease() throws IOException {
        ArchiveSnapshot first = snapshot(client());

        assertEquals(List.of("dists/bookworm/InRelease",
                "dists/bookworm/main/binary-amd64/by-hash/SHA256/" + sha256gz(PACKAGES),
                "dists/bookworm/main/source/by-hash/SHA256/" + sha256gz(SOURCES)), server.requests);
        assertEquals(3, first.downloads().size());
        IndexFile packages = first.indices().get(PACKAGES);
        assertEquals(sha256(Fixtures.PACKAGES_AMD64), packages.sha256(), "cached by the decompressed content's hash");
        assertEquals(Fixtures.PACKAGES_AMD64, Files.readString(packages.file()));
        assertEquals(List.of(packages), first.packages("amd64"));
        assertEquals(Fixtures.SOURCES, Files.readString(first.sources().get(0).file()));
        assertEquals(IndexCache.sha256(Files.readAllBytes(fixture.dists().resolve("InRelease"))),
                first.release().inReleaseSha256());
        assertEquals(Instant.parse("2023-06-10T09:00:00Z"), first.release().date());

        server.requests.clear();
        ArchiveSnapshot second = snapshot(client());

        assertEquals(List.of("dists/bookworm/InRelease"), server.requests, "an unchanged archive costs one request");
        assertEquals(1, second.downloads().size());
        assertEquals(first.indices(), second.indices());
        assertEquals(first.release().inReleaseSha256(), second.release().inReleaseSha256());
    }

    private String sha256gz(String path) throws IOException {
        return IndexCache.sha256(Files.readAllBytes(fixture.dists().resolve(path + ".gz")));
    }

    @Test
    void anIndexChangedInTheArchiveIsFetchedAgain() {
        snapshot(client());
        fixture.index(PACKAGES, Fixtures.PACKAGES_AMD64 + "\nPackage: new\nVersion: 1\nArchitecture: all\n").write();
        server.requests.clear();

        ArchiveSnapshot next = snapshot(client());

        assertEquals(2, server.requests.size(), server.requests.toString());
        assertTrue(server.requests.get(1).startsWith("dists/bookworm/main/binary-amd64/by-hash/"));
        assertTrue(next.indices().get(PACKAGES).size() > Fixtures.PACKAGES_AMD64.length());
    }

    @Test
    void aSuiteTheArchiveDoesNotCarryIsNamed() {
        ArchiveException e = assertThrows(ArchiveException.SuiteNotServed.class,
                () -> client().snapshot(archive(), "bookwork", IndexSelection.main(List.of("amd64"))));

        assertEquals("suite 'bookwork' is not served by " + server.uri(), e.getMessage());
        assertEquals("suite-not-served", e.code());
    }

    @Test
    void aTamperedInReleaseIsRefusedQuotingGpgv() throws IOException {
        Path inRelease = fixture.dists().resolve("InRelease");
        Files.writeString(inRelease, Files.readString(inRelease).replace("Origin: Fixture", "Origin: Fixturf"));

        ArchiveException.SignatureInvalid e = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> snapshot(client()));

        assertTrue(e.getMessage().startsWith("signature of " + server.uri() + "/dists/bookworm/InRelease is not valid"
                + " against [" + fixture.keyring() + "]: BAD signature from key"), e.getMessage());
        assertTrue(e.getMessage().contains("gpgv: BAD signature from \"deb-bootc-compose fixture"), e.getMessage());
        assertEquals(List.of("dists/bookworm/InRelease"), server.requests, "nothing is fetched on a bad Release");
        try (Stream<Path> cached = Files.list(dir.resolve("cache/sha256"))) {
            assertEquals(0, cached.count(), "a refused InRelease does not enter the cache");
        }
    }

    @Test
    void withoutSignedByTheDefaultKeyringDecides() {
        Archive unsigned = new Archive(server.uri(), Optional.empty(), "test");

        ArchiveException e = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> client().snapshot(unsigned, "bookworm", IndexSelection.releaseOnly()));

        assertTrue(e.getMessage().contains("against [" + ArchiveClient.Options.DEBIAN_ARCHIVE_KEYRING + "]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("no good signature from a key in the keyring"), e.getMessage());
    }

    @Test
    void aMissingKeyringIsNamed() {
        Path missing = dir.resolve("no-such-keyring.gpg");
        Archive archive = new Archive(server.uri(), Optional.of(SignedBy.keyring(missing)), "test");

        ArchiveException e = assertThrows(ArchiveException.SignatureInvalid.class,
                () -> client().snapshot(archive, "bookworm", IndexSelection.releaseOnly()));

        assertTrue(e.getMessage().endsWith("keyring " + missing + " does not exist"), e.getMessage());
    }

    @Test
    void anArmoredSignedByKeyringIsDearmoredForGpgv() throws IOException {
        Path armored = dir.resolve("fixture.asc");
        tools.run(Command.of("gpg", "--homedir", FixtureArchive.Key.get().home.toString(), "--batch", "--quiet",
                "--armor", "--output", armored.toString(), "--export"));
        Archive archive = new Archive(server.uri(), Optional.of(SignedBy.keyring(armored)), "test");

        ArchiveSnapshot snapshot = client().snapshot(archive, "bookworm", IndexSelection.releaseOnly());

        assertTrue(snapshot.keyrings().get(0).startsWith(dir.resolve("cache")), snapshot.keyrings().toString());
    }

    @Test
    void aFileThatDiffersFromTheReleaseIsAHashMismatch() throws IOException {
        Path byHash = fixture.dists().resolve("main/binary-amd64/by-hash/SHA256/" + sha256gz(PACKAGES));
        byte[] other = FixtureArchive.gzip("Package: intruder\n".getBytes(StandardCharsets.UTF_8));
        Files.write(byHash, other);

        ArchiveException.HashMismatch e = assertThrows(ArchiveException.HashMismatch.class, () -> snapshot(client()));

        long listed = Files.size(fixture.dists().resolve(PACKAGES + ".gz"));
        assertEquals("hash mismatch for " + server.uri() + "/dists/bookworm/main/binary-amd64/by-hash/SHA256/"
                + sha256gz(PACKAGES) + ": expected sha256 " + sha256gz(PACKAGES) + " (" + listed + " bytes), got "
                + IndexCache.sha256(other) + " (" + other.length + " bytes)", e.getMessage());
        assertEquals("hash-mismatch", e.code());
        assertTrue(Files.list(dir.resolve("cache/sha256")).allMatch(f -> !f.getFileName().toString()
                .equals(IndexCache.sha256(other))), "a mismatching file never enters the cache");
    }

    @Test
    void withoutByHashTheCanonicalPathServes() throws IOException {
        deleteTree(fixture.dists().resolve("main/binary-amd64/by-hash"));

        ArchiveSnapshot snapshot = snapshot(client());

        assertEquals(List.of(404, 200), snapshot.downloads().subList(1, 3).stream().map(Download::status).toList());
        assertEquals("dists/bookworm/main/binary-amd64/Packages.gz", server.requests.get(2));
    }

    @Test
    void anArchiveWithoutAcquireByHashIsReadByPath() {
        fixture.field("Acquire-By-Hash", null).write();

        snapshot(client());

        assertEquals("dists/bookworm/main/binary-amd64/Packages.gz", server.requests.get(1));
    }

    @Test
    void anXzOnlyIndexIsDecompressedWithXz() throws IOException {
        Path plain = dir.resolve("Packages");
        Files.writeString(plain, Fixtures.PACKAGES_AMD64);
        tools.run(Command.of("xz", "--keep", plain.toString()));
        FixtureArchive xzOnly = new FixtureArchive(dir.resolve("xz-archive"), "bookworm")
                .file(PACKAGES, Files.readAllBytes(plain))
                .file(PACKAGES + ".xz", Files.readAllBytes(dir.resolve("Packages.xz")))
                .write();
        try (FixtureServer xzServer = new FixtureServer(xzOnly.root())) {
            Archive archive = new Archive(xzServer.uri(), Optional.of(SignedBy.keyring(xzOnly.keyring())), "test");

            ArchiveSnapshot snapshot = client().snapshot(archive, "bookworm",
                    new IndexSelection(List.of("main"), List.of("amd64"), false));

            assertEquals(Fixtures.PACKAGES_AMD64, Files.readString(snapshot.indices().get(PACKAGES).file()));
        }
    }

    @Test
    void anArchitectureTheSuiteLacksIsNamed() {
        ArchiveException e = assertThrows(ArchiveException.IndexNotListed.class,
                () -> client().snapshot(archive(), "bookworm", IndexSelection.main(List.of("riscv64"))));

        assertEquals("suite 'bookworm' of " + server.uri() + " has no main/binary-riscv64/Packages index"
                + " (architectures: amd64 arm64)", e.getMessage());
    }

    @Test
    void anotherSuitesReleaseIsRefused() throws IOException {
        Path trixie = fixture.dists().resolveSibling("trixie");
        Files.createDirectories(trixie);
        Files.copy(fixture.dists().resolve("InRelease"), trixie.resolve("InRelease"));

        ArchiveException e = assertThrows(ArchiveException.ReleaseInvalid.class,
                () -> client().snapshot(archive(), "trixie", IndexSelection.releaseOnly()));

        assertTrue(e.getMessage().endsWith("it is the Release of 'bookworm' (suite 'stable'), not of 'trixie'"),
                e.getMessage());
    }

    @Test
    void anExpiredReleaseIsRefused() {
        fixture.field("Valid-Until", "Sat, 17 Jun 2023 09:00:00 UTC").write();

        ArchiveException e = assertThrows(ArchiveException.ReleaseInvalid.class,
                () -> client(Instant.parse("2023-07-01T00:00:00Z")).snapshot(archive(), "bookworm",
                        IndexSelection.releaseOnly()));

        assertTrue(e.getMessage().endsWith("it expired at 2023-06-17T09:00:00Z (Valid-Until)"), e.getMessage());
        client(Instant.parse("2023-06-12T00:00:00Z")).snapshot(archive(), "bookworm", IndexSelection.releaseOnly());
    }

    @Test
    void aDamagedCacheEntryIsFetchedAgain() throws IOException {
        ArchiveSnapshot first = snapshot(client());
        Files.writeString(first.indices().get(PACKAGES).file(), "damaged");
        server.requests.clear();

        ArchiveSnapshot second = snapshot(client());

        assertEquals(2, server.requests.size(), server.requests.toString());
        assertEquals(Fixtures.PACKAGES_AMD64, Files.readString(second.indices().get(PACKAGES).file()));
    }

    @Test
    void aFileArchiveIsReadInPlace() {
        Archive local = new Archive(fixture.root().toUri(), Optional.of(SignedBy.keyring(fixture.keyring())), "test");

        ArchiveSnapshot snapshot = client().snapshot(local, "bookworm", IndexSelection.main(List.of("amd64")));

        assertEquals(sha256(Fixtures.SOURCES), snapshot.sources().get(0).sha256());
        assertThrows(ArchiveException.SuiteNotServed.class,
                () -> client().snapshot(local, "sid", IndexSelection.releaseOnly()));
        assertEquals(List.of(), server.requests);
    }

    private static void deleteTree(Path path) throws IOException {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
