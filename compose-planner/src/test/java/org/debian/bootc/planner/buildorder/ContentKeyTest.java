package org.debian.bootc.planner.buildorder;

import static org.debian.bootc.planner.buildorder.Stanzas.COMPOSE;
import static org.debian.bootc.planner.buildorder.Stanzas.IN_RELEASE;
import static org.debian.bootc.planner.buildorder.Stanzas.SUITE;
import static org.debian.bootc.planner.buildorder.Stanzas.sha256;
import static org.debian.bootc.planner.buildorder.Stanzas.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.debian.bootc.events.BuildType;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.SourceFile;

class ContentKeyTest {

    private static final List<SourceFile> FILES = source("hello").version("2.10-3").build().files();
    private static final String DEP = sha256("a build waited for");

    private static String key(List<SourceFile> files, String inRelease, String arch, BuildType type,
            Set<String> profiles, List<String> waits) {
        return ContentKey.of(files, inRelease, arch, type, profiles, waits);
    }

    private static String base() {
        return key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nocheck"), List.of(DEP));
    }

    @Test
    void theCanonicalTextIsTheDocumentedOne() {
        List<String> fileHashes = new ArrayList<>(FILES.stream().map(SourceFile::sha256).toList());
        Collections.sort(fileHashes);
        String expected = "deb-bootc-compose content-key v1\n"
                + "source-sha256 " + fileHashes.get(0) + "\n"
                + "source-sha256 " + fileHashes.get(1) + "\n"
                + "source-sha256 " + fileHashes.get(2) + "\n"
                + "inrelease-sha256 " + IN_RELEASE + "\n"
                + "architecture amd64\n"
                + "build-type any\n"
                + "build-profiles nocheck nodoc\n"
                + "waits-for " + DEP + "\n";

        assertEquals(expected, ContentKey.canonicalText(FILES, IN_RELEASE, "amd64", BuildType.ANY,
                Set.of("nodoc", "nocheck"), List.of(DEP)));
        assertEquals(sha256(expected), key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nodoc", "nocheck"),
                List.of(DEP)));
        assertEquals("build-profiles \n", ContentKey.canonicalText(FILES, IN_RELEASE, "amd64", BuildType.ANY,
                Set.of(), List.of()).lines().skip(7).findFirst().orElseThrow() + "\n");
    }

    @Test
    void orderOfFilesProfilesAndWaitsDoesNotMatter() {
        List<SourceFile> reversed = new ArrayList<>(FILES);
        Collections.reverse(reversed);
        String other = sha256("another build waited for");

        assertEquals(base(), key(reversed, IN_RELEASE, "amd64", BuildType.ANY, new HashSet<>(List.of("nocheck")),
                List.of(DEP)));
        assertEquals(key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of(), List.of(DEP, other)),
                key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of(), List.of(other, DEP)));
    }

    @Test
    void everyInputChangesTheKey() {
        List<SourceFile> changedFile = new ArrayList<>(FILES);
        SourceFile orig = changedFile.get(1);
        changedFile.set(1, new SourceFile(orig.name(), sha256("repacked"), orig.size(), orig.location()));

        Set<String> keys = new HashSet<>(List.of(
                base(),
                key(changedFile, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nocheck"), List.of(DEP)),
                key(FILES, sha256("next day's InRelease"), "amd64", BuildType.ANY, Set.of("nocheck"), List.of(DEP)),
                key(FILES, IN_RELEASE, "arm64", BuildType.ANY, Set.of("nocheck"), List.of(DEP)),
                key(FILES, IN_RELEASE, "amd64", BuildType.BINARY, Set.of("nocheck"), List.of(DEP)),
                key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of(), List.of(DEP)),
                key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nocheck", "nodoc"), List.of(DEP)),
                key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nocheck"), List.of()),
                key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("nocheck"), List.of(sha256("other")))));

        assertEquals(9, keys.size());
    }

    @Test
    void valuesThatCouldBreakTheEncodingAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> key(FILES, IN_RELEASE, "amd64\nbuild-type all", BuildType.ANY, Set.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of("a b"), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> key(FILES, IN_RELEASE, "amd64", BuildType.ANY, Set.of(), List.of("not a key")));
    }

    private static List<SourceRecord> sources(String zlibSalt, String helloSalt) {
        return List.of(
                source("zlib").binaries("zlib1g-dev").fileSalt(zlibSalt).build(),
                source("curl").binaries("libcurl4-openssl-dev").buildDepends("zlib1g-dev").build(),
                source("hello").fileSalt(helloSalt).build());
    }

    private static String planKey(List<SourceRecord> sources, String name, ComposeId compose, String suite) {
        return BuildOrder.plan(sources, List.of("amd64", "arm64"), Set.of(), IN_RELEASE, compose, suite)
                .find(name, "arm64").orElseThrow().contentKey();
    }

    @Test
    void inAPlanAKeyIsStableAndFollowsWhatTheBuildWaitsFor() {
        ComposeId nextDay = new ComposeId("minimal-1-20250201.n.0");
        String curl = planKey(sources("", ""), "curl", COMPOSE, SUITE);

        assertEquals(curl, planKey(sources("", ""), "curl", COMPOSE, SUITE));
        assertEquals(curl, planKey(sources("", ""), "curl", nextDay, "sid"),
                "compose id and suite name are not content");
        assertEquals(curl, planKey(sources("", "new upload"), "curl", COMPOSE, SUITE), "hello is unrelated");
        assertNotEquals(curl, planKey(sources("new upload", ""), "curl", COMPOSE, SUITE), "zlib is a build-dep");
        assertNotEquals(curl, planKey(sources("", "").subList(1, 3), "curl", COMPOSE, SUITE),
                "zlib from the archive instead of the rebuild set");
    }
}
