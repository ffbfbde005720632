package org.debian.bootc.publisher;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One binary package at an exact version: an entry of a resolved package set, or a
 * package in the compose's own apt repository.
 *
 * @param architecture the package's architecture ({@code amd64}, {@code all}, ...)
 */
public record BinaryPackage(String name, String version, String architecture) implements Comparable<BinaryPackage> {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern VERSION = Pattern.compile("([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*");
    private static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9][a-z0-9-]*");

    public BinaryPackage {
        check("name", name, NAME, "is not a Debian package name");
        check("version", version, VERSION, "is not a Debian version");
        check("architecture", architecture, ARCHITECTURE, "is not a Debian architecture name");
    }

    private static void check(String field, String value, Pattern pattern, String why) {
        Objects.requireNonNull(value, field + " is missing");
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("package " + field + " \"" + value + "\" " + why);
        }
    }

    /** The form apt and mmdebstrap take for an exact version: {@code name=version}. */
    public String pinned() {
        return name + "=" + version;
    }

    @Override
    public int compareTo(BinaryPackage other) {
        int byName = name.compareTo(other.name);
        return byName != 0 ? byName : version.compareTo(other.version);
    }
}
