package org.debian.bootc.events;

/**
 * An immutable, content-addressed artifact: its sha256, category (debusine's
 * vocabulary, {@code <namespace>:<kind>}), file or object name, size in bytes and
 * the URI to fetch it from. Categories are open: a consumer ignores one it does
 * not know rather than failing.
 */
public record ArtifactRef(String sha256, String category, String name, long size, String location) {

    public static final String BINARY_PACKAGE = "debian:binary-package";
    public static final String BUILD_LOG = "debian:build-log";
    public static final String BUILDINFO = "debian:buildinfo";
    public static final String CHANGES = "debian:changes";
    public static final String OSTREE_COMMIT = "ostree:commit";
    public static final String OCI_IMAGE = "oci:image";

    public ArtifactRef {
        Invariants.sha256("sha256", sha256);
        Invariants.text("category", category);
        Invariants.text("name", name);
        Invariants.atLeast("size", size, 0);
        Invariants.text("location", location);
    }
}
