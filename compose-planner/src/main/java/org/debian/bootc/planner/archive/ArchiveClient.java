package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.apt.SignedBy;
import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.release.InvalidReleaseException;
import org.debian.bootc.debian.release.Release;
import org.debian.bootc.debian.release.SignatureRejectedException;
import org.debian.bootc.debian.release.ReleaseVerifier;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * Fetches a suite's InRelease, verifies it with gpgv, and fetches the indices it
 * lists, each checked against the signed SHA256 table before anything reads it.
 *
 * <p>Indices live in an {@link IndexCache} under the sha256 of their decompressed
 * content, which the Release lists too; so against an unchanged archive a snapshot
 * makes one request, for InRelease. Compressed files are fetched by hash when the
 * archive offers it ({@code Acquire-By-Hash: yes}), so a Release and its indices
 * cannot be mixed from two archive runs; {@code .gz} is preferred, {@code .xz} is
 * read through the {@code xz} program when it is all there is.
 */
public final class ArchiveClient {

    private static final Logger LOG = Logger.getLogger(ArchiveClient.class);
    private static final long MAX_INRELEASE_BYTES = 32L << 20;
    private static final List<String> COMPRESSIONS = List.of(".gz", ".xz", "");

    /**
     * @param defaultKeyring the keyring for archives whose apt entry has no Signed-By
     * @param checkValidUntil refuse a Release past its Valid-Until (turn off for snapshot archives)
     * @param requestTimeout the longest one request may take, body included (debian's {@link Fetcher} enforces it,
     *        with 30 s to answer and 60 s without a byte)
     */
    public record Options(Path defaultKeyring, boolean checkValidUntil, Duration requestTimeout) {

        public static final Path DEBIAN_ARCHIVE_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

        public static Options defaults() {
            return new Options(DEBIAN_ARCHIVE_KEYRING, true, Duration.ofMinutes(10));
        }
    }

    private final Fetcher fetcher;
    private final Fetcher small;
    private final IndexCache cache;
    private final ReleaseVerifier verifier;
    private final ProcessRunner tools;
    private final Clock clock;
    private final Options options;

    public ArchiveClient(IndexCache cache, ReleaseVerifier verifier, ProcessRunner tools, Clock clock,
            Options options) {
        // debian's bounded fetch: 30 s to answer, 60 s without a byte, the request timeout for the whole file
        Fetcher.Limits limits = new Fetcher.Limits(Duration.ofSeconds(30), Duration.ofSeconds(60),
                options.requestTimeout(), Fetcher.Limits.DEFAULTS.maxBytes());
        this.fetcher = new Fetcher(limits);
        this.small = new Fetcher(limits.withMaxBytes(MAX_INRELEASE_BYTES));
        this.cache = cache;
        this.verifier = verifier;
        this.tools = tools;
        this.clock = clock;
        this.options = options;
    }

    /**
     * Verifies the suite's InRelease and fetches the selected indices.
     *
     * @throws ArchiveException.SuiteNotServed when the archive has no InRelease for the suite
     * @throws ArchiveException.SignatureInvalid when gpgv refuses it
     * @throws ArchiveException.IndexNotListed when the Release lacks a selected index
     * @throws ArchiveException.HashMismatch when a fetched file differs from the Release
     */
    /**
     * Fetches one small file (a {@code .dsc}, say) by absolute URI, {@code http(s)} or
     * {@code file}; empty when the server answers 404 or the file does not exist.
     *
     * @throws ArchiveException.FetchFailed when it cannot be read, or is larger than an InRelease may be
     */
    public Optional<byte[]> fetchSmall(URI uri) {
        Fetched fetched = new Session(null, null).fetchSmall(uri);
        return fetched.status() == 200 ? Optional.of(fetched.body()) : Optional.empty();
    }

    public ArchiveSnapshot snapshot(Archive archive, String suite, IndexSelection selection) {
        Session session = new Session(archive, suite);
        Verified verified = verifiedRelease(session, archive, suite);
        Release release = verified.release();
        Map<String, IndexFile> indices = new LinkedHashMap<>();
        for (String component : selection.components()) {
            for (String architecture : selection.architectures()) {
                String path = component + "/binary-" + architecture + "/Packages";
                indices.put(path, session.index(release, path, "architectures: "
                        + String.join(" ", release.architectures())));
            }
            String all = component + "/binary-all/Packages";
            if (!selection.architectures().isEmpty() && !release.noArchAllPackages() && lists(release, all)) {
                indices.put(all, session.index(release, all, ""));
            }
            if (selection.sources()) {
                String path = component + "/source/Sources";
                indices.put(path, session.index(release, path, ""));
            }
        }
        LOG.infof("%s %s: InRelease %s of %s, %d request(s), %d bytes", archive, suite,
                release.inReleaseSha256().substring(0, 12), release.date(), session.downloads.size(),
                session.downloads.stream().mapToLong(Download::bytes).sum());
        return new ArchiveSnapshot(archive, suite, release, verified.inRelease(), verified.keyrings(), indices,
                session.downloads);
    }

    private record Verified(Release release, Path inRelease, List<Path> keyrings) {
    }

    /** Fetches InRelease and checks its signature (only then does it enter the cache), its suite and its age. */
    private Verified verifiedRelease(Session session, Archive archive, String suite) {
        URI inReleaseUri = archive.uri().resolve("dists/" + suite + "/InRelease");
        Fetched fetched = session.fetchSmall(inReleaseUri);
        if (fetched.status == 404) {
            throw new ArchiveException.SuiteNotServed(suite, archive.uri());
        }
        String inReleaseSha256 = IndexCache.sha256(fetched.body);
        List<Path> keyrings = keyrings(archive, inReleaseUri);
        List<String> fingerprints = archive.signedBy().map(SignedBy::fingerprints).orElse(List.of());
        Path unverified = cache.newTempFile();
        String signed;
        Path inRelease;
        try {
            Files.write(unverified, fetched.body);
            signed = verifier.verify(unverified, keyrings, fingerprints);
            inRelease = cache.adopt(unverified, inReleaseSha256);
        } catch (SignatureRejectedException e) {
            throw new ArchiveException.SignatureInvalid(inReleaseUri, keyrings, e.reason(), e.gpgv());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + unverified, e);
        } finally {
            IndexCache.delete(unverified);
        }
        Release release;
        try {
            release = Release.parse(signed, inReleaseSha256, inReleaseUri);
        } catch (InvalidReleaseException e) {
            throw new ArchiveException.ReleaseInvalid(inReleaseUri, e.reason());
        } catch (FileSyntaxException e) {
            throw new ArchiveException.MalformedIndex(e);
        }
        if (!release.isFor(suite)) {
            throw new ArchiveException.ReleaseInvalid(inReleaseUri, "it is the Release of '" + release.codename()
                    + "' (suite '" + release.suite() + "'), not of '" + suite + "'");
        }
        if (options.checkValidUntil() && release.validUntil().filter(v -> v.isBefore(clock.instant())).isPresent()) {
            throw new ArchiveException.ReleaseInvalid(inReleaseUri,
                    "it expired at " + release.validUntil().get() + " (Valid-Until)");
        }
        return new Verified(release, inRelease, keyrings);
    }

    private static boolean lists(Release release, String path) {
        return COMPRESSIONS.stream().anyMatch(c -> release.entry(path + c).isPresent());
    }

    /** The entry's Signed-By keyrings (armoured ones turned binary, into the cache), else the default. */
    private List<Path> keyrings(Archive archive, URI inReleaseUri) {
        List<Path> keyrings = new ArrayList<>();
        Optional<SignedBy> signedBy = archive.signedBy();
        for (Path keyring : signedBy.map(SignedBy::keyrings).orElse(List.of())) {
            keyrings.add(binaryKeyring(keyring, inReleaseUri));
        }
        signedBy.flatMap(SignedBy::armoredKey)
                .ifPresent(key -> keyrings.add(cache.store(ReleaseVerifier.dearmor(key))));
        if (keyrings.isEmpty()) {
            keyrings.add(binaryKeyring(options.defaultKeyring(), inReleaseUri));
        }
        return List.copyOf(keyrings);
    }

    private Path binaryKeyring(Path keyring, URI inReleaseUri) {
        byte[] content;
        try {
            content = Files.readAllBytes(keyring);
        } catch (NoSuchFileException e) {
            throw new ArchiveException.SignatureInvalid(inReleaseUri, List.of(keyring),
                    "keyring " + keyring + " does not exist", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keyring " + keyring, e);
        }
        return ReleaseVerifier.isArmored(content)
                ? cache.store(ReleaseVerifier.dearmor(new String(content, StandardCharsets.US_ASCII)))
                : keyring.toAbsolutePath();
    }

    private record Fetched(int status, byte[] body) {
    }

    /** The requests of one snapshot, recorded as they happen. */
    private final class Session {

        private final Archive archive;
        private final String suite;
        private final List<Download> downloads = new ArrayList<>();

        Session(Archive archive, String suite) {
            this.archive = archive;
            this.suite = suite;
        }

        IndexFile index(Release release, String path, String detail) {
            Optional<Release.IndexEntry> plain = release.entry(path);
            if (plain.isPresent()) {
                Optional<Path> cached = cache.find(plain.get().sha256(), plain.get().size());
                if (cached.isPresent()) {
                    return new IndexFile(path, plain.get().sha256(), plain.get().size(), cached.get());
                }
            }
            for (String compression : COMPRESSIONS) {
                Optional<Release.IndexEntry> entry = release.entry(path + compression);
                if (entry.isEmpty()) {
                    continue;
                }
                Path fetched = cache.find(entry.get().sha256(), entry.get().size())
                        .orElseGet(() -> fetchVerified(release, entry.get()));
                if (compression.isEmpty()) {
                    return new IndexFile(path, entry.get().sha256(), entry.get().size(), fetched);
                }
                IndexFile file = decompress(fetched, compression, path, plain, entry.get());
                if (plain.isPresent()) {
                    // the decompressed file is what later plans look up; the compressed one is spent
                    IndexCache.delete(fetched);
                }
                return file;
            }
            throw new ArchiveException.IndexNotListed(suite, archive.uri(), path, detail);
        }

        private IndexFile decompress(Path compressed, String compression, String path,
                Optional<Release.IndexEntry> plain, Release.IndexEntry entry) {
            Path temp = cache.newTempFile();
            try {
                if (compression.equals(".gz")) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(compressed), 1 << 16)) {
                        Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    tools.run(Command.of("xz", "--decompress", "--stdout", compressed.toString())
                            .withStdoutTo(temp));
                }
                long size = Files.size(temp);
                String sha256 = IndexCache.sha256(temp);
                if (plain.isPresent() && (size != plain.get().size() || !sha256.equals(plain.get().sha256()))) {
                    throw new ArchiveException.HashMismatch(uri(entry.path()) + " (decompressed)",
                            plain.get().sha256(), plain.get().size(), sha256, size);
                }
                return new IndexFile(path, sha256, size, cache.adopt(temp, sha256));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decompress " + compressed, e);
            } finally {
                IndexCache.delete(temp);
            }
        }

        private URI uri(String path) {
            return archive.uri().resolve("dists/" + suite + "/" + path);
        }

        private URI byHashUri(Release.IndexEntry entry) {
            int slash = entry.path().lastIndexOf('/');
            String dir = slash < 0 ? "" : entry.path().substring(0, slash + 1);
            return uri(dir + "by-hash/SHA256/" + entry.sha256());
        }

        /** Fetches a file the Release lists, by hash when offered, into the cache after checking it. */
        private Path fetchVerified(Release release, Release.IndexEntry entry) {
            List<URI> candidates = release.acquireByHash() ? List.of(byHashUri(entry), uri(entry.path()))
                    : List.of(uri(entry.path()));
            for (URI candidate : candidates) {
                Path temp = cache.newTempFile();
                try {
                    int status = fetchInto(candidate, temp, entry);
                    if (status == 404) {
                        continue;
                    }
                    return cache.adopt(temp, entry.sha256());
                } finally {
                    IndexCache.delete(temp);
                }
            }
            throw new ArchiveException.FetchFailed(uri(entry.path()), "not found, although the Release lists it",
                    null);
        }

        /** @return 200, or 404 when the archive does not have the file */
        private int fetchInto(URI uri, Path target, Release.IndexEntry entry) {
            long started = System.nanoTime();
            Fetcher.Fetched fetched;
            try {
                // a body larger than listed is wrong already: the fetch stops there
                fetched = fetcher.fetch(uri, target, entry.size());
            } catch (Fetcher.FetchException e) {
                if (e.status().orElse(0) == 404) {
                    record(uri, 404, 0, started);
                    return 404;
                }
                if (e.reason() == Fetcher.Reason.TOO_BIG) {
                    throw new ArchiveException.HashMismatch(uri.toString(), entry.sha256(), entry.size(),
                            "(not computed: body longer than listed)", entry.size() + 1);
                }
                throw new ArchiveException.FetchFailed(uri, e.getMessage(), e);
            }
            record(uri, 200, fetched.size(), started);
            if (fetched.size() != entry.size() || !fetched.sha256().equals(entry.sha256())) {
                throw new ArchiveException.HashMismatch(uri.toString(), entry.sha256(), entry.size(), fetched.sha256(),
                        fetched.size());
            }
            return 200;
        }

        Fetched fetchSmall(URI uri) {
            long started = System.nanoTime();
            Fetcher.Body body;
            try {
                body = small.fetchBytes(uri);
            } catch (Fetcher.FetchException e) {
                if (e.status().isPresent() && e.status().getAsInt() == 404) {
                    record(uri, 404, 0, started);
                    return new Fetched(404, new byte[0]);
                }
                throw new ArchiveException.FetchFailed(uri, e.reason() == Fetcher.Reason.TOO_BIG
                        ? "larger than " + MAX_INRELEASE_BYTES + " bytes" : e.getMessage(), e);
            }
            record(uri, 200, body.bytes().length, started);
            return new Fetched(200, body.bytes());
        }

        private void record(URI uri, int status, long bytes, long started) {
            downloads.add(new Download(uri, status, bytes, Duration.ofNanos(System.nanoTime() - started)));
        }
    }

}
