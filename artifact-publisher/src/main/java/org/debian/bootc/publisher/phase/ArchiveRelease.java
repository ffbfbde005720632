package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.debian.bootc.debian.deb822.ClearSigned;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.debian.release.Release;

/**
 * The archive suite's InRelease: its sha256 (the plan pins it) and its {@code Date},
 * which is the image's SOURCE_DATE_EPOCH when configuration sets none, so a rebuild of
 * the same plan gets the same timestamps. The file is fetched by debian's {@link Fetcher} and
 * read by its {@link Release}.
 */
public record ArchiveRelease(String sha256, long date) {

    /** An InRelease is some hundred kilobytes; a few megabytes is already not one. */
    private static final Fetcher FETCHER = new Fetcher(Fetcher.Limits.DEFAULTS.withMaxBytes(16L << 20));

    public static ArchiveRelease fetch(URI archive, String suite) throws IOException {
        String base = archive.toString().endsWith("/") ? archive.toString() : archive + "/";
        URI uri = URI.create(base + "dists/" + suite + "/InRelease");
        Fetcher.Body body = FETCHER.fetchBytes(uri);
        byte[] bytes = body.bytes();
        String sha = body.sha256();
        // the planner verified this InRelease's signature and pinned its sha256; here it is only read
        long epoch;
        try {
            epoch = Release.parse(ClearSigned.body(new String(bytes, StandardCharsets.UTF_8)), sha, uri).date()
                    .getEpochSecond();
        } catch (IllegalArgumentException e) { // InvalidReleaseException, FileSyntaxException
            throw new IOException(uri + " is not a usable Release: " + e.getMessage(), e);
        }
        return new ArchiveRelease(sha, epoch);
    }
}
