package org.debian.bootc.planner.buildorder;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;

import org.debian.bootc.debian.relation.ArchitectureWildcard;

/**
 * One stanza of the archive's Sources index, as much of it as build ordering needs.
 *
 * @param name the {@code Package} field: the source package name
 * @param version the {@code Version} field
 * @param binaries the {@code Binary} field: the binary packages it builds
 * @param architecture the {@code Architecture} field, space separated, e.g. {@code any all},
 *        {@code all}, {@code amd64 arm64} or {@code linux-any}
 * @param buildDepends {@code Build-Depends}; null or blank if absent
 * @param buildDependsArch {@code Build-Depends-Arch}; null or blank if absent
 * @param buildDependsIndep {@code Build-Depends-Indep}; null or blank if absent
 * @param files the {@code Checksums-Sha256} files with their locations, the .dsc among them
 * @param dsc the file name of the .dsc among {@code files}
 */
public record SourceRecord(String name, String version, List<String> binaries, String architecture,
        String buildDepends, String buildDependsArch, String buildDependsIndep, List<SourceFile> files, String dsc) {

    /** Policy §5.6.1: at least two characters in the archive; one is tolerated here. */
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    public SourceRecord {
        Objects.requireNonNull(name, "name is required");
        if (!PACKAGE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("source name '" + name
                    + "' is not a Debian package name (lower-case letters, digits and + - .)");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("source " + name + ": Version is required");
        }
        binaries = List.copyOf(Objects.requireNonNull(binaries, "binaries is required"));
        if (binaries.isEmpty()) {
            throw new IllegalArgumentException("source " + name + ": Binary lists no package");
        }
        for (String binary : binaries) {
            if (!PACKAGE_NAME.matcher(binary).matches()) {
                throw new IllegalArgumentException("source " + name + ": Binary '" + binary
                        + "' is not a Debian package name");
            }
        }
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("source " + name + ": Architecture is required");
        }
        for (String token : SPACE.split(architecture.trim())) {
            if (!ArchitectureWildcard.NAME.matcher(token).matches()) {
                throw new IllegalArgumentException("source " + name + ": Architecture '" + token
                        + "' is not an architecture name or wildcard");
            }
        }
        buildDepends = blankToEmpty(buildDepends);
        buildDependsArch = blankToEmpty(buildDependsArch);
        buildDependsIndep = blankToEmpty(buildDependsIndep);
        files = List.copyOf(Objects.requireNonNull(files, "files is required"));
        if (files.isEmpty()) {
            throw new IllegalArgumentException("source " + name + ": no files");
        }
        String dscName = dsc;
        if (dscName == null || files.stream().noneMatch(file -> file.name().equals(dscName))) {
            throw new IllegalArgumentException("source " + name + ": dsc '" + dsc + "' is not among its files");
        }
    }

    /** The {@code Architecture} field's tokens, in order. */
    public List<String> architectures() {
        return List.of(SPACE.split(architecture.trim()));
    }

    /** Whether it builds architecture-independent ({@code Architecture: all}) packages. */
    public boolean buildsIndependent() {
        return architectures().contains("all");
    }

    /** Whether it builds architecture-dependent packages on {@code arch} ({@code any}, a wildcard or the name). */
    public boolean buildsDependentOn(String arch) {
        for (String token : architectures()) {
            if (!token.equals("all") && ArchitectureWildcard.matches(token, arch)) {
                return true;
            }
        }
        return false;
    }

    /** The event form: name, version, dsc and files. */
    public SourcePackage toSourcePackage() {
        return new SourcePackage(name, version, dsc, files);
    }

    /**
     * Which source builds each binary.
     *
     * @throws IllegalArgumentException if two sources list the same binary: which one a build-dep
     *         means would be a guess, so the rebuild set must not contain both
     */
    public static Map<String, String> binaryToSource(Collection<SourceRecord> sources) {
        Map<String, String> bySource = new HashMap<>(sources.size() * 4);
        for (SourceRecord source : sources) {
            for (String binary : source.binaries()) {
                String other = bySource.putIfAbsent(binary, source.name());
                if (other != null && !other.equals(source.name())) {
                    throw new IllegalArgumentException("binary " + binary + " is built by both source " + other
                            + " and source " + source.name() + "; the rebuild set may contain only one of them");
                }
            }
        }
        return bySource;
    }

    private static String blankToEmpty(String field) {
        return field == null || field.isBlank() ? "" : field;
    }
}
