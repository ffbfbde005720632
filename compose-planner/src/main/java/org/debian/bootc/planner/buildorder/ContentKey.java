package org.debian.bootc.planner.buildorder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.SourceFile;

import org.debian.bootc.debian.relation.ArchitectureWildcard;
import org.debian.bootc.debian.relation.Dependencies;

/**
 * The content key of one build: sha256 (lower-case hex) of a canonical text that holds
 * everything that decides the build's output. Version 1 of the text is UTF-8, one
 * {@code <tag> <value>} line per item, each line ending in {@code \n}, in this order:
 *
 * <pre>
 * deb-bootc-compose content-key v1
 * source-sha256 &lt;hex&gt;          one line per source file, sorted by the hex value
 * inrelease-sha256 &lt;hex&gt;
 * architecture &lt;arch&gt;           the architecture the build runs on
 * build-type &lt;any|all|binary&gt;
 * build-profiles &lt;p1 p2 ...&gt;    sorted, one space between; nothing after the tag if none
 * waits-for &lt;key&gt;              one line per waited-for build's content key, sorted
 * </pre>
 *
 * No value can contain a newline or start a line with another tag, so two different inputs
 * never give the same text. The build type is in it because the same source on the same
 * architecture gives different packages with {@code -B} and {@code -b}. The keys of the builds
 * it waits for are in it because those builds' packages are installed as build-deps: a change
 * to a library's source changes the key of everything built against it, as a Nix derivation
 * hash does.
 */
public final class ContentKey {

    static final String HEADER = "deb-bootc-compose content-key v1";

    private ContentKey() {
    }

    /** The key, lower-case hex sha256 of {@link #canonicalText}. */
    public static String of(List<SourceFile> files, String inReleaseSha256, String architecture, BuildType buildType,
            Collection<String> profiles, Collection<String> waitsForKeys) {
        return sha256(canonicalText(files, inReleaseSha256, architecture, buildType, profiles, waitsForKeys));
    }

    /** The text that is hashed; see the class comment. */
    public static String canonicalText(List<SourceFile> files, String inReleaseSha256, String architecture,
            BuildType buildType, Collection<String> profiles, Collection<String> waitsForKeys) {
        requireSha256("inReleaseSha256", inReleaseSha256);
        if (architecture == null || !ArchitectureWildcard.NAME.matcher(architecture).matches()) {
            throw new IllegalArgumentException("architecture '" + architecture + "' is not an architecture name");
        }
        for (String profile : profiles) {
            Dependencies.requireProfileName(profile);
        }
        StringBuilder text = new StringBuilder(256 + 80 * (files.size() + waitsForKeys.size()));
        text.append(HEADER).append('\n');
        for (String sha256 : files.stream().map(SourceFile::sha256).sorted().toList()) {
            text.append("source-sha256 ").append(sha256).append('\n');
        }
        text.append("inrelease-sha256 ").append(inReleaseSha256).append('\n');
        text.append("architecture ").append(architecture).append('\n');
        text.append("build-type ").append(buildType.wireName()).append('\n');
        text.append("build-profiles ").append(String.join(" ", profiles.stream().sorted().toList())).append('\n');
        for (String key : waitsForKeys.stream().sorted().toList()) {
            requireSha256("waited-for content key", key);
            text.append("waits-for ").append(key).append('\n');
        }
        return text.toString();
    }

    /** By hand, not by regex: it runs once per build-dep edge. */
    static void requireSha256(String what, String value) {
        if (!isSha256(value)) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' is not a sha256 digest (64 lower-case hex digits)");
        }
    }

    private static boolean isSha256(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
