package org.debian.bootc.planner.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.debian.bootc.debian.PackageId;

class PackageSetTest {

    private static PackageSet set(Map<String, List<PackageId>> arches) {
        return new PackageSet(URI.create("http://archive.example/debian/"), "bookworm", "bookworm", "ab".repeat(32),
                Instant.parse("2026-07-11T10:16:37Z"), "required", arches);
    }

    @Test
    void writesAStableDocumentSortedByArchitectureAndName() {
        Map<String, List<PackageId>> arches = new LinkedHashMap<>();
        arches.put("arm64", List.of(new PackageId("libc6", "2.36-9", "arm64")));
        arches.put("amd64", List.of(new PackageId("libc6", "2.36-9", "amd64"),
                new PackageId("adduser", "3.134", "all")));

        String json = set(arches).toJson();

        assertEquals("""
                {
                  "archive" : "http://archive.example/debian",
                  "suite" : "bookworm",
                  "codename" : "bookworm",
                  "inRelease" : {
                    "sha256" : "%s",
                    "date" : "2026-07-11T10:16:37Z"
                  },
                  "base" : "required",
                  "architectures" : {
                    "amd64" : [ {
                      "name" : "adduser",
                      "version" : "3.134",
                      "architecture" : "all"
                    }, {
                      "name" : "libc6",
                      "version" : "2.36-9",
                      "architecture" : "amd64"
                    } ],
                    "arm64" : [ {
                      "name" : "libc6",
                      "version" : "2.36-9",
                      "architecture" : "arm64"
                    } ]
                  }
                }
                """.formatted("ab".repeat(32)), json);
    }

    @Test
    void equalSetsGiveEqualDocumentsAndTheDocumentReadsBack() {
        PackageSet a = set(Map.of("amd64", List.of(new PackageId("b", "1", "amd64"),
                new PackageId("a", "1", "all"))));
        PackageSet b = set(Map.of("amd64", List.of(new PackageId("a", "1", "all"),
                new PackageId("b", "1", "amd64"))));

        assertEquals(a.toJson(), b.toJson());
        assertEquals(a, PackageSet.fromJson(a.toJson()));
    }
}
