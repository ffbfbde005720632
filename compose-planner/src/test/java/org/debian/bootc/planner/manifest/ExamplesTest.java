package org.debian.bootc.planner.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.debian.bootc.events.ComposeType;
import org.debian.bootc.planner.manifest.Manifest.Rebuild;
import org.debian.bootc.planner.manifest.Manifest.Repository;

/** The shipped examples are valid and say what their comments say. */
class ExamplesTest {

    private static Manifest read(String file) throws ManifestException {
        return ManifestFixtures.reader().read(ManifestFixtures.repoFile("examples/" + file), MediaKind.YAML);
    }

    @Test
    void minimalIsTheSmallestBootableOstreeDebianWithHelloRebuilt() throws Exception {
        Manifest minimal = read("minimal.yaml");

        assertEquals("minimal", minimal.name());
        assertEquals("1", minimal.version());
        assertEquals(ComposeType.TEST, minimal.type());
        assertEquals("bookworm", minimal.suite());
        assertEquals(List.of("amd64"), minimal.architectures());
        assertEquals(List.of("linux-image-amd64", "systemd-sysv", "udev", "dracut", "ostree", "ostree-boot", "kmod",
                "e2fsprogs", "login", "passwd"), minimal.packages());
        assertEquals(List.of(Rebuild.fromArchive("hello")), minimal.rebuild());
        assertEquals("debian/bookworm/amd64/minimal", minimal.ostreeRef("amd64"));
        assertEquals("localhost:5000/debian-bootc/minimal:1", minimal.image().reference());
        assertEquals(Manifest.Failable.NONE, minimal.failable());
        assertEquals(new Manifest.DiskSettings(List.of("raw", "qcow2"), "4G", List.of("console=ttyS0,115200n8")),
                minimal.disk());
        assertEquals(4_294_967_296L, minimal.disk().sizeBytes());
    }

    @Test
    void serverCoversTwoArchitecturesRebuildsRepositoriesLabelsAndFailable() throws Exception {
        Manifest server = read("server.yaml");

        assertEquals(List.of("amd64", "arm64"), server.architectures());
        assertTrue(server.packagesFor("arm64").containsAll(List.of("linux-image-arm64", "openssh-server", "podman")));
        assertTrue(server.packagesFor("amd64").contains("linux-image-amd64"));
        assertFalse(server.packagesFor("amd64").contains("linux-image-arm64"));
        assertEquals(List.of(new Rebuild("hello", "2.10-3", null, null), new Rebuild("jq", null, null, "nocheck")),
                server.rebuild());
        assertEquals(List.of(new Repository("file:///srv/local-repo", "bookworm", List.of("main"),
                "/usr/share/keyrings/local-repo.gpg")), server.repositories());
        assertEquals(List.of("arm64"), server.failable().architectures());
        assertTrue(server.failable().coversBuild("hello", "arm64"));
        assertFalse(server.failable().coversBuild("hello", "amd64"));
        assertTrue(server.failable().coversBuild("jq", "amd64"));
        assertEquals("1", server.image().labels().get("containers.bootc"));
        assertEquals("debian/bookworm/arm64/server", server.ostreeRef("arm64"));
    }

    /** The design's rule: the archive is the machine's; a manifest names no mirror. */
    @ParameterizedTest
    @ValueSource(strings = {"minimal.yaml", "server.yaml"})
    void namesNoHostButLocalhost(String file) {
        Matcher uri = Pattern.compile("[a-z][a-z0-9+.-]*://([^/\\s\"']*)").matcher(ManifestFixtures.repoFile("examples/" + file));
        while (uri.find()) {
            assertTrue(uri.group(1).isEmpty(), file + " names host " + uri.group(1));
        }
        Matcher registry = Pattern.compile("repository: ([^/\\s]+)/").matcher(ManifestFixtures.repoFile("examples/" + file));
        while (registry.find()) {
            assertEquals("localhost:5000", registry.group(1), file);
        }
    }

    @Test
    void fullFixtureIsValid() throws Exception {
        Manifest full = ManifestFixtures.reader().fromJson(ManifestFixtures.full());
        assertEquals("debian/trixie/arm64/full/2", full.ostreeRef("arm64"));
        assertEquals(List.of("hello", "jq"), full.rebuildSources());
        assertEquals(Map.of("containers.bootc", "1", "org.opencontainers.image.title", "Full"), full.image().labels());
    }
}
