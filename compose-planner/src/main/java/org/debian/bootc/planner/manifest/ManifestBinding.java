package org.debian.bootc.planner.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.events.ComposeType;
import org.debian.bootc.planner.manifest.Manifest.DiskSettings;
import org.debian.bootc.planner.manifest.Manifest.DscSource;
import org.debian.bootc.planner.manifest.Manifest.Failable;
import org.debian.bootc.planner.manifest.Manifest.ImageSettings;
import org.debian.bootc.planner.manifest.Manifest.OstreeSettings;
import org.debian.bootc.planner.manifest.Manifest.Rebuild;
import org.debian.bootc.planner.manifest.Manifest.Repository;
import org.debian.bootc.planner.manifest.Manifest.SourceFileRef;

/**
 * A document the schema accepted, as a {@link Manifest}. By hand rather than by
 * data binding: the YAML keys are the schema's, absent members take the records'
 * defaults, and nothing here has to tolerate a malformed document.
 */
final class ManifestBinding {

    private ManifestBinding() {
    }

    static Manifest bind(JsonNode doc) {
        return new Manifest(
                doc.path("name").asText(),
                doc.path("version").asText(),
                doc.has("type") ? ComposeType.fromWireName(doc.path("type").asText()) : null,
                doc.path("suite").asText(),
                texts(doc.path("architectures")),
                texts(doc.path("packages")),
                texts(doc.path("exclude")),
                list(doc.path("rebuild"), ManifestBinding::rebuild),
                list(doc.path("repositories"), ManifestBinding::repository),
                doc.has("ostree") ? new OstreeSettings(text(doc.path("ostree").path("ref"))) : null,
                doc.has("image") ? image(doc.path("image")) : null,
                doc.has("failable")
                        ? new Failable(texts(doc.path("failable").path("architectures")),
                                texts(doc.path("failable").path("packages")))
                        : null,
                doc.has("disk") ? disk(doc.path("disk")) : null);
    }

    private static DiskSettings disk(JsonNode disk) {
        return new DiskSettings(texts(disk.path("formats")), text(disk.path("size")),
                disk.has("kargs") ? texts(disk.path("kargs")) : null);
    }

    private static Rebuild rebuild(JsonNode entry) {
        JsonNode dsc = entry.path("dsc");
        return new Rebuild(
                text(entry.path("source")),
                text(entry.path("version")),
                dsc.isObject()
                        ? new DscSource(dsc.path("location").asText(), dsc.path("sha256").asText(),
                                list(dsc.path("files"), file -> new SourceFileRef(file.path("name").asText(),
                                        file.path("location").asText(), file.path("sha256").asText(),
                                        file.path("size").asLong())))
                        : null,
                text(entry.path("profile")));
    }

    private static Repository repository(JsonNode entry) {
        return new Repository(entry.path("uri").asText(), entry.path("suite").asText(),
                texts(entry.path("components")), entry.path("signed_by").asText());
    }

    private static ImageSettings image(JsonNode image) {
        Map<String, String> labels = new LinkedHashMap<>();
        image.path("labels").properties().forEach(label -> labels.put(label.getKey(), label.getValue().asText()));
        return new ImageSettings(image.path("repository").asText(), text(image.path("tag")), labels);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    private static List<String> texts(JsonNode array) {
        return list(array, JsonNode::asText);
    }

    private static <T> List<T> list(JsonNode array, Function<JsonNode, T> item) {
        List<T> items = new ArrayList<>();
        array.forEach(node -> items.add(item.apply(node)));
        return items;
    }
}
