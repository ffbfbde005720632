package org.debian.bootc.planner.archive;

import java.net.URI;
import java.time.Duration;

/**
 * One request a snapshot made to the archive, for the log and for tests that
 * prove an unchanged archive costs one request.
 *
 * @param uri what was asked for
 * @param status the HTTP status (200 or 404 for a {@code file:} archive)
 * @param bytes how many bytes came back
 * @param duration how long it took
 */
public record Download(URI uri, int status, long bytes, Duration duration) {
}
