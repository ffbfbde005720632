package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.debian.bootc.debian.PackageId;

/**
 * The resolved package set of a compose (Pungi's pkgset and gather result), which
 * goes into its {@code packages.json}: the archive and the InRelease it was read
 * from, pinned by hash, and per architecture every package, version and
 * architecture apt chose.
 *
 * @param archive the archive root
 * @param suite the suite as the manifest names it
 * @param codename the Release's Codename
 * @param inReleaseSha256 sha256 of the InRelease file the plan read
 * @param releaseDate the Release's Date
 * @param base the mmdebstrap variant whose base the sets include (see {@link BaseVariant})
 * @param architectures per architecture, the resolved packages sorted by name
 */
public record PackageSet(URI archive, String suite, String codename, String inReleaseSha256, Instant releaseDate,
        String base, Map<String, List<PackageId>> architectures) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public PackageSet {
        archive = ArchiveUris.asDirectory(archive);
        TreeMap<String, List<PackageId>> sorted = new TreeMap<>();
        architectures.forEach((arch, packages) -> {
            List<PackageId> list = new ArrayList<>(packages);
            list.sort(PackageId.ORDER);
            sorted.put(arch, List.copyOf(list));
        });
        architectures = Collections.unmodifiableMap(sorted);
    }

    /** The document for {@code packages.json}; equal sets give byte-equal documents. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("archive", ArchiveUris.display(archive));
        root.put("suite", suite);
        root.put("codename", codename);
        ObjectNode release = root.putObject("inRelease");
        release.put("sha256", inReleaseSha256);
        release.put("date", releaseDate.toString());
        root.put("base", base);
        ObjectNode arches = root.putObject("architectures");
        architectures.forEach((arch, packages) -> {
            ArrayNode list = arches.putArray(arch);
            for (PackageId p : packages) {
                list.addObject().put("name", p.name()).put("version", p.version()).put("architecture",
                        p.architecture());
            }
        });
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    public static PackageSet fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Map<String, List<PackageId>> arches = new TreeMap<>();
            root.path("architectures").fields().forEachRemaining(e -> {
                List<PackageId> packages = new ArrayList<>();
                e.getValue().forEach(p -> packages.add(new PackageId(p.path("name").asText(),
                        p.path("version").asText(), p.path("architecture").asText())));
                arches.put(e.getKey(), packages);
            });
            return new PackageSet(URI.create(root.path("archive").asText()), root.path("suite").asText(),
                    root.path("codename").asText(), root.path("inRelease").path("sha256").asText(),
                    Instant.parse(root.path("inRelease").path("date").asText()), root.path("base").asText(), arches);
        } catch (IOException e) {
            throw new UncheckedIOException("not a packages.json document", e);
        }
    }
}
