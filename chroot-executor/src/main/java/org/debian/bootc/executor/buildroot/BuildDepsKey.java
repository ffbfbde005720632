package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.deb822.ClearSigned;
import org.debian.bootc.debian.deb822.Deb822;
import org.debian.bootc.executor.failure.SourceError;

/**
 * What decides the packages apt installs for a build, hashed into the name of a
 * {@link BuildDepsLayers build-deps layer}: the base (whose key already pins the
 * archive's InRelease, so its package lists and installed packages are fixed), the
 * source's build relations as its .dsc states them, the build type (apt's
 * {@code --arch-only}/{@code --indep-only}) and the build profile. Given those, apt's
 * answer is the same every time, so the tree it installed can be reused.
 *
 * <p>Only for builds whose apt sees the base's archive alone: a compose repository or an
 * extra repository changes what apt would choose, so such builds get no key.
 */
public record BuildDepsKey(String baseId, Map<String, String> relations, String buildType, Optional<String> profile) {

    /** The .dsc fields that decide what apt-get build-dep installs, in this order. */
    public static final List<String> FIELDS = List.of("Build-Depends", "Build-Depends-Arch", "Build-Depends-Indep",
            "Build-Conflicts", "Build-Conflicts-Arch", "Build-Conflicts-Indep");

    /** Bumped when a layer's contents would differ for the same inputs (what is kept of the install). */
    static final String FORMAT = "build-deps-layer-v1";

    public BuildDepsKey {
        relations = Map.copyOf(relations);
    }

    /**
     * The key of a build of {@code dsc} on base {@code baseId}.
     *
     * @param buildType the task's build type as on the wire (any, all, binary)
     */
    public static BuildDepsKey of(String baseId, Path dsc, String buildType, Optional<String> profile) {
        try {
            return new BuildDepsKey(baseId, relations(Files.readString(dsc, StandardCharsets.UTF_8)), buildType,
                    profile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dsc, e);
        }
    }

    /**
     * The build relation fields of a .dsc (deb822, possibly clear-signed), each folded to one
     * line with single spaces; absent fields are left out. Field names are matched without
     * regard to case, as deb822 wants.
     */
    static Map<String, String> relations(String dsc) {
        List<Deb822.Paragraph> stanzas;
        try {
            stanzas = Deb822.parse(ClearSigned.body(dsc), ".dsc");
        } catch (FileSyntaxException e) {
            throw new SourceError("the .dsc is not a Debian source control file: " + e.getMessage(), List.of(), e);
        }
        Map<String, String> all = stanzas.isEmpty() ? Map.of() : stanzas.get(0).fields();
        Map<String, String> relations = new LinkedHashMap<>();
        for (String name : FIELDS) {
            String v = all.get(name.toLowerCase(Locale.ROOT));
            if (v != null) {
                relations.put(name, v.replaceAll("\\s+", " ").strip());
            }
        }
        return relations;
    }

    /**
     * A control file of the .dsc's build relations alone, for {@code dpkg-checkbuilddeps}, which
     * refuses a clear-signed .dsc ("OpenPGP signature not allowed here"), as the archive's are.
     */
    public static String checkControl(String dsc) {
        StringBuilder sb = new StringBuilder("Source: bootc-build-deps-check\n");
        relations(dsc).forEach((name, value) -> sb.append(name).append(": ").append(value).append('\n'));
        return sb.toString();
    }

    /** The inputs, one per line: what {@link #id()} hashes and the layer's description keeps. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        sb.append("format: ").append(FORMAT).append('\n');
        sb.append("base: ").append(baseId).append('\n');
        sb.append("build-type: ").append(buildType).append('\n');
        sb.append("profile: ").append(profile.orElse("")).append('\n');
        for (String name : FIELDS) {
            sb.append(name).append(": ").append(relations.getOrDefault(name, "")).append('\n');
        }
        return sb.toString();
    }

    /** The sha256 of {@link #canonical()}: the layer's directory name. */
    public String id() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
