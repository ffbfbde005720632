package org.debian.bootc.executor.buildroot;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The inputs that decide what a base chroot holds; its {@link #id()} (their sha256)
 * names the cached base. Two requests with the same inputs share one base, as
 * mock's root_cache and sbuild's per-suite tarballs are shared.
 *
 * @param suite e.g. {@code bookworm}
 * @param architecture the Debian architecture of the base
 * @param archive the archive root mmdebstrap installs from
 * @param inReleaseSha256 the sha256 of the archive's InRelease for the suite: a new archive state is a new base
 * @param extraPackages installed beside the buildd variant (sorted, duplicates dropped)
 * @param recipe the version of how the base is made (the hooks); bump it when they change
 */
public record BaseKey(String suite, String architecture, URI archive, String inReleaseSha256,
        List<String> extraPackages, String recipe) {

    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern WORD = Pattern.compile("^[a-z0-9][a-z0-9.+~-]*$");

    public BaseKey {
        word("suite", suite);
        word("architecture", architecture);
        Objects.requireNonNull(archive, "archive");
        if (!archive.isAbsolute()) {
            throw new IllegalArgumentException("archive '" + archive + "' is not an absolute URI");
        }
        if (inReleaseSha256 == null || !SHA256.matcher(inReleaseSha256).matches()) {
            throw new IllegalArgumentException("inReleaseSha256 '" + inReleaseSha256
                    + "' is not a sha256 digest (64 lower-case hex digits)");
        }
        extraPackages.forEach(p -> word("extra package", p));
        extraPackages = List.copyOf(new TreeSet<>(extraPackages));
        word("recipe", recipe);
    }

    private static void word(String field, String value) {
        if (value == null || !WORD.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + value
                    + "' is not a Debian name (lower-case letters, digits and . + ~ -)");
        }
    }

    /** The canonical text the id is the digest of: one {@code name=value} line per input. */
    public String canonical() {
        return "suite=" + suite + "\narchitecture=" + architecture + "\narchive=" + archive + "\ninRelease="
                + inReleaseSha256 + "\nextraPackages=" + String.join(",", extraPackages) + "\nrecipe=" + recipe + "\n";
    }

    /** sha256 of {@link #canonical()}: the base's directory name and {@code chroot-ready}'s baseKey. */
    public String id() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }
}
