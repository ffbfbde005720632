package org.debian.bootc.events;

/**
 * One file of a Debian source package (the .dsc, the orig tarball, the debian
 * tarball): its file name, sha256, size in bytes, and the URI to fetch it from.
 */
public record SourceFile(String name, String sha256, long size, String location) {

    public SourceFile {
        Invariants.text("name", name);
        Invariants.sha256("sha256", sha256);
        Invariants.atLeast("size", size, 0);
        Invariants.text("location", location);
    }
}
