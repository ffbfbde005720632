package org.debian.bootc.events;

/** A binary package installed in a buildroot, as {@code dpkg-query} lists it. */
public record InstalledPackage(String name, String version, String architecture) {

    public InstalledPackage {
        Invariants.text("name", name);
        Invariants.text("version", version);
        Invariants.text("architecture", architecture);
    }
}
