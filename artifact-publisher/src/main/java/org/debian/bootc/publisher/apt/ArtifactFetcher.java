package org.debian.bootc.publisher.apt;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.debian.http.Fetcher.FetchException;
import org.debian.bootc.events.ArtifactRef;

/**
 * Copies an artifact from its location ({@code file:}, {@code http:} or {@code https:})
 * and checks it is the artifact the event named: same size, same sha256. An artifact
 * store is content-addressed; a file that does not hash to its name is not that artifact.
 * The fetch is debian's {@link Fetcher}, capped at the size the event names: a location
 * that sends more is cut off there.
 *
 * <p>What the event got wrong (a location that is no URI, a scheme, a missing file, other
 * bytes) is an {@link IllegalArgumentException}; a store that cannot be reached or stops
 * sending is an {@link IOException}, which a retry can cure.
 */
public final class ArtifactFetcher {

    private final Fetcher fetcher;

    public ArtifactFetcher() {
        this(new Fetcher(Fetcher.Limits.DEFAULTS));
    }

    public ArtifactFetcher(Fetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** Fetches {@code artifact} to {@code target}, or fails naming the artifact and what was wrong. */
    public void fetch(ArtifactRef artifact, Path target) throws IOException {
        URI location;
        try {
            location = URI.create(artifact.location());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("artifact " + artifact.name() + ": location \"" + artifact.location()
                    + "\" is not a URI: " + e.getMessage());
        }
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        Fetcher.Fetched fetched;
        try {
            fetched = fetcher.fetch(location, partial, artifact.size());
        } catch (FetchException e) {
            switch (e.reason()) {
                case UNSUPPORTED_SCHEME, NOT_FOUND, TOO_BIG -> throw new IllegalArgumentException("artifact "
                        + artifact.name() + ": " + e.getMessage() + " (the event says " + artifact.size() + " bytes)");
                default -> throw e;
            }
        }
        if (fetched.size() != artifact.size() || !fetched.sha256().equals(artifact.sha256())) {
            Files.delete(partial);
            throw new IllegalArgumentException("artifact " + artifact.name() + " from " + artifact.location()
                    + " is " + fetched.size() + " bytes with sha256 " + fetched.sha256() + ", but the event says "
                    + artifact.size() + " bytes with sha256 " + artifact.sha256());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
