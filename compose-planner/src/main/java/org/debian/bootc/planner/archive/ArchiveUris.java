package org.debian.bootc.planner.archive;

import java.net.URI;

/** Small rules about archive URIs that several classes share. */
public final class ArchiveUris {

    private ArchiveUris() {
    }

    /** The URI with a trailing slash, so that {@code resolve("dists/...")} stays below it. */
    public static URI asDirectory(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? uri : URI.create(s + "/");
    }

    /** For messages: the archive without the trailing slash, as apt's sources name it. */
    public static String display(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
