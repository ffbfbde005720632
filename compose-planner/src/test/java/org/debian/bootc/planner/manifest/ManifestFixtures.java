package org.debian.bootc.planner.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** A manifest that uses every field, and ways to break one member of it at a time. */
final class ManifestFixtures {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-31T12:00:00Z"), ZoneOffset.UTC);

    static final String SHA_DSC = "a".repeat(64);
    static final String SHA_ORIG = "b".repeat(64);
    static final String SHA_DEBIAN = "c".repeat(64);

    /** Every field, each with a valid value. */
    static final String FULL = """
            name: full
            version: "2"
            type: ci
            suite: trixie
            architectures: [amd64, arm64]
            packages: ["linux-image-{arch}", systemd-sysv, ostree, ostree-boot, dracut]
            exclude: [buildah]
            rebuild:
              - source: hello
                version: "2.10-3"
                profile: nocheck nodoc
              - dsc:
                  location: file:///srv/sources/jq_1.7.1-3.dsc
                  sha256: %s
                  files:
                    - name: jq_1.7.1.orig.tar.gz
                      location: file:///srv/sources/jq_1.7.1.orig.tar.gz
                      sha256: %s
                      size: 1000
                    - name: jq_1.7.1-3.debian.tar.xz
                      location: file:///srv/sources/jq_1.7.1-3.debian.tar.xz
                      sha256: %s
                      size: 20
            repositories:
              - uri: file:///srv/local-repo
                suite: trixie
                components: [main, contrib]
                signed_by: /usr/share/keyrings/local-repo.gpg
            ostree:
              ref: "debian/{suite}/{arch}/{name}/{version}"
            image:
              repository: localhost:5000/debian-bootc/full
              tag: v2
              labels:
                containers.bootc: "1"
                org.opencontainers.image.title: Full
            disk:
              formats: [raw, qcow2]
              size: 8G
              kargs: ["console=ttyS0,115200n8", quiet]
            failable:
              architectures: [arm64]
              packages: [jq]
            """.formatted(SHA_DSC, SHA_ORIG, SHA_DEBIAN);

    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private ManifestFixtures() {
    }

    static ObjectNode full() {
        return (ObjectNode) yaml(FULL);
    }

    static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code document} with the member at {@code pointer} set to {@code yamlValue} (parsed as YAML). */
    static ObjectNode with(ObjectNode document, String pointer, String yamlValue) {
        JsonNode value = yamlValue == null ? null : yaml("v: " + yamlValue).get("v");
        JsonNode parent = document.at(pointer.substring(0, pointer.lastIndexOf('/')));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if (value == null) {
                array.remove(index);
            } else if (index == array.size()) {
                array.add(value);
            } else {
                array.set(index, value);
            }
        } else {
            throw new IllegalArgumentException("no container at " + pointer + " in " + document);
        }
        return document;
    }

    static ObjectNode without(ObjectNode document, String pointer) {
        return with(document, pointer, null);
    }

    static ManifestValidator validator() {
        return new ManifestValidator(List.of(), CLOCK);
    }

    static ManifestReader reader() {
        return new ManifestReader(validator());
    }

    /** A file of the repository (tests run in the module directory). */
    static String repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples")) && Files.isDirectory(dir.resolve("events"))) {
                try {
                    return Files.readString(dir.resolve(relative));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
