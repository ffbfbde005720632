package org.debian.bootc.planner.buildorder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourceFile;

/** Sources stanzas for tests, with files whose sha256 is derived from the name and version. */
final class Stanzas {

    static final ComposeId COMPOSE = new ComposeId("minimal-1-20250131.n.0");
    static final String SUITE = "trixie";
    static final String IN_RELEASE = sha256("InRelease of trixie, 2025-01-31");

    private Stanzas() {
    }

    private static final SourceFile SHARED_DSC = new SourceFile("shared_1.0-1.dsc", sha256("shared"), 1000,
            "http://mirror.invalid/debian/pool/main/s/shared/shared_1.0-1.dsc");

    /**
     * A stanza that shares one .dsc with every other made here: for graphs of thousands of
     * sources, where hashing three files per source would be most of a cold test's time.
     */
    static SourceRecord cheap(String name, String buildDepends) {
        return new SourceRecord(name, "1.0-1", List.of(name), "any", buildDepends, null, null, List.of(SHARED_DSC),
                SHARED_DSC.name());
    }

    static Builder source(String name) {
        return new Builder(name);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static final class Builder {
        private final String name;
        private String version = "1.0-1";
        private List<String> binaries;
        private String architecture = "any";
        private String buildDepends = "debhelper-compat (= 13)";
        private String buildDependsArch;
        private String buildDependsIndep;
        private String fileSalt = "";

        private Builder(String name) {
            this.name = name;
            this.binaries = List.of(name);
        }

        Builder version(String value) {
            this.version = value;
            return this;
        }

        Builder binaries(String... names) {
            this.binaries = Arrays.asList(names);
            return this;
        }

        Builder architecture(String value) {
            this.architecture = value;
            return this;
        }

        Builder buildDepends(String value) {
            this.buildDepends = value;
            return this;
        }

        Builder buildDependsArch(String value) {
            this.buildDependsArch = value;
            return this;
        }

        Builder buildDependsIndep(String value) {
            this.buildDependsIndep = value;
            return this;
        }

        /** Changes the files' checksums, as a new upload of the same version would. */
        Builder fileSalt(String value) {
            this.fileSalt = value;
            return this;
        }

        SourceRecord build() {
            String base = name + "_" + version;
            String upstream = version.replaceAll("-[^-]*$", "");
            List<SourceFile> files = new ArrayList<>();
            files.add(file(base + ".dsc"));
            files.add(file(name + "_" + upstream + ".orig.tar.xz"));
            files.add(file(base + ".debian.tar.xz"));
            return new SourceRecord(name, version, binaries, architecture, buildDepends, buildDependsArch,
                    buildDependsIndep, files, base + ".dsc");
        }

        private SourceFile file(String fileName) {
            return new SourceFile(fileName, sha256(fileName + fileSalt), 1000 + fileName.length(),
                    "http://mirror.invalid/debian/pool/main/" + name.charAt(0) + "/" + name + "/" + fileName);
        }
    }
}
