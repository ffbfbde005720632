package org.debian.bootc.debian;

import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

import org.debian.bootc.debian.version.DebianVersion;

/**
 * One binary package at an exact version on one architecture: what apt chose for an install
 * closure, what a compose's own repository holds, what an image installs.
 *
 * @param name the package name, e.g. {@code libc6}
 * @param version the Debian version, e.g. {@code 2.36-9+deb12u4}
 * @param architecture the package's architecture ({@code amd64}, {@code all}, ...)
 */
public record PackageId(String name, String version, String architecture) implements Comparable<PackageId> {

    /** dpkg's rule (Policy asks two characters at least; dpkg, and so this, accepts one). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*");
    private static final Pattern VERSION = Pattern.compile("([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*");
    private static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /**
     * By name, then architecture, then version as dpkg orders it: the order of a plan's
     * {@code packages.json} and of an image's package list.
     */
    public static final Comparator<PackageId> ORDER = Comparator.comparing(PackageId::name)
            .thenComparing(PackageId::architecture)
            .thenComparing(PackageId::version, DebianVersion.ORDER);

    /** @throws IllegalArgumentException naming the field that is not a Debian name, version or architecture */
    public PackageId {
        check("name", name, NAME, "is not a Debian package name");
        check("version", version, VERSION, "is not a Debian version");
        check("architecture", architecture, ARCHITECTURE, "is not a Debian architecture name");
    }

    private static void check(String field, String value, Pattern pattern, String why) {
        Objects.requireNonNull(value, "package " + field + " is missing");
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("package " + field + " \"" + value + "\" " + why);
        }
    }

    /** The form apt and mmdebstrap take for an exact version: {@code name=version}. */
    public String pinned() {
        return name + "=" + version;
    }

    @Override
    public int compareTo(PackageId other) {
        return ORDER.compare(this, other);
    }
}
