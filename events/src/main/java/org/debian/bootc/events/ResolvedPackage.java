package org.debian.bootc.events;

/**
 * One binary package of a resolved install set, at the exact version apt chose;
 * {@code architecture} is the package's own ({@code amd64}, {@code all}, ...).
 */
public record ResolvedPackage(String name, String version, String architecture) {

    public ResolvedPackage {
        Invariants.text("name", name);
        Invariants.text("version", version);
        Invariants.text("architecture", architecture);
    }
}
