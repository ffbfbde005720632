package org.debian.bootc.events;

import java.util.List;

/**
 * A Debian source package at one version: {@code dsc} is the file name of its
 * .dsc among {@code files}.
 */
public record SourcePackage(String name, String version, String dsc, List<SourceFile> files) {

    public SourcePackage {
        Invariants.text("name", name);
        Invariants.text("version", version);
        Invariants.text("dsc", dsc);
        files = Invariants.list("files", files);
        Invariants.nonEmpty("files", files);
    }
}
