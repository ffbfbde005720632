package org.debian.bootc.planner.archive;

import java.util.List;

/**
 * What a root file system holds besides the manifest's packages, named after the
 * mmdebstrap variant that builds such a root, so the publisher can build the same
 * set the planner resolved.
 */
public enum BaseVariant {

    /** Only the listed packages and their dependencies (mmdebstrap {@code --variant=custom}). */
    CUSTOM("custom", List.of()),

    /** Plus every {@code Essential: yes} package (mmdebstrap {@code --variant=essential}). */
    ESSENTIAL("essential", List.of("?essential")),

    /**
     * Plus {@code Essential: yes} and {@code Priority: required}, as every
     * debootstrap-style root has (mmdebstrap {@code --variant=required}, debootstrap's minbase).
     */
    REQUIRED("required", List.of("?essential", "?priority(required)"));

    private final String mmdebstrapVariant;
    private final List<String> aptPatterns;

    BaseVariant(String mmdebstrapVariant, List<String> aptPatterns) {
        this.mmdebstrapVariant = mmdebstrapVariant;
        this.aptPatterns = aptPatterns;
    }

    public String mmdebstrapVariant() {
        return mmdebstrapVariant;
    }

    /** The apt patterns that select the base, passed to {@code apt-get install} beside the package list. */
    public List<String> aptPatterns() {
        return aptPatterns;
    }
}
