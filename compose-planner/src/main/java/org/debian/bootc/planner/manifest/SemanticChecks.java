package org.debian.bootc.planner.manifest;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.debian.bootc.debian.apt.Keyrings;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.Violation;
import org.debian.bootc.planner.manifest.Manifest.DiskSettings;
import org.debian.bootc.planner.manifest.Manifest.DscSource;
import org.debian.bootc.planner.manifest.Manifest.OstreeSettings;

/**
 * The rules a JSON Schema cannot state because they relate two parts of the
 * manifest. They read the document tolerantly (a member of the wrong shape is
 * skipped; the schema reports it), so one pass reports these and the schema's
 * violations together.
 */
final class SemanticChecks {

    /** What a placeholder may put into an OSTree ref: ostree's ref components are [-._\w]+. */
    private static final Pattern REF_TEXT = Pattern.compile("^[A-Za-z0-9._-]+$");
    /** What {@code ostree_validate_rev} accepts. */
    private static final Pattern OSTREE_REF = Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$");
    /** The OCI distribution spec's tag grammar. */
    private static final Pattern OCI_TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    /** The schema's rule for a kernel argument; one that breaks it is reported by the schema alone. */
    private static final Pattern NO_WHITE_SPACE = Pattern.compile("^\\S+$");
    /** The options after a serial console's comma: speed, parity, bits, flow control (kernel-parameters.txt). */
    private static final Pattern SERIAL_OPTIONS = Pattern.compile("^[0-9]+([noe][5-8]?r?)?$");

    private SemanticChecks() {
    }

    static List<Violation> check(JsonNode manifest, LocalDate today) {
        List<Violation> found = new ArrayList<>();
        if (!manifest.isObject()) {
            return found;
        }
        excludedButWanted(manifest, found);
        rebuiltTwice(manifest, found);
        dscFilesNamedTwice(manifest, found);
        failableArchitectures(manifest, found);
        failablePackages(manifest, found);
        ostreeRef(manifest, found);
        repositoryKeyrings(manifest, found);
        imageTag(manifest, found);
        diskSize(manifest, found);
        diskKargs(manifest, found);
        composeId(manifest, today, found);
        found.sort(Wording.BY_POINTER);
        return found;
    }

    private static void excludedButWanted(JsonNode manifest, List<Violation> found) {
        Map<String, String> wanted = new HashMap<>();
        List<String> architectures = texts(manifest, "/architectures");
        eachText(manifest, "/packages", (pointer, name) -> {
            wanted.putIfAbsent(name, pointer);
            architectures.forEach(arch -> wanted.putIfAbsent(name.replace(Manifest.ARCH_PLACEHOLDER, arch), pointer));
        });
        eachText(manifest, "/exclude", (pointer, name) -> {
            if (wanted.containsKey(name)) {
                found.add(new Violation(pointer, json(name), "package " + Wording.quote(name)
                        + " is both installed (" + wanted.get(name) + ") and excluded; keep it in one list"));
            }
        });
    }

    private static void rebuiltTwice(JsonNode manifest, List<Violation> found) {
        Map<String, String> first = new HashMap<>();
        JsonNode rebuild = array(manifest.path("rebuild"));
        for (int i = 0; i < rebuild.size(); i++) {
            String entry = Wording.child("/rebuild", i);
            JsonNode source = rebuild.get(i).path("source");
            JsonNode location = rebuild.get(i).path("dsc").path("location");
            String pointer;
            String name;
            if (source.isTextual()) {
                pointer = entry + "/source";
                name = source.asText();
            } else if (location.isTextual() && location.asText().endsWith(".dsc")) {
                pointer = entry + "/dsc/location";
                Matcher matcher = DscSource.FILE_NAME.matcher(DscSource.fileName(location.asText()));
                if (!matcher.matches()) {
                    found.add(new Violation(pointer, location.toString(), "rebuild dsc location "
                            + Wording.quote(location.asText()) + " does not name a file <source>_<version>.dsc,"
                            + " as dpkg-source names it"));
                    continue;
                }
                name = matcher.group(1);
            } else {
                continue;
            }
            String earlier = first.putIfAbsent(name, entry);
            if (earlier != null) {
                found.add(new Violation(pointer, (source.isTextual() ? source : location).toString(), "source package "
                        + Wording.quote(name) + " is rebuilt twice (first at " + earlier + "); name each source once"));
            }
        }
    }

    private static void dscFilesNamedTwice(JsonNode manifest, List<Violation> found) {
        JsonNode rebuild = array(manifest.path("rebuild"));
        for (int i = 0; i < rebuild.size(); i++) {
            String filesAt = Wording.child("/rebuild", i) + "/dsc/files";
            JsonNode files = array(rebuild.get(i).path("dsc").path("files"));
            Map<String, Integer> first = new HashMap<>();
            for (int j = 0; j < files.size(); j++) {
                JsonNode name = files.get(j).path("name");
                if (!name.isTextual()) {
                    continue;
                }
                Integer earlier = first.putIfAbsent(name.asText(), j);
                // Identical entries are the schema's uniqueItems violation already.
                if (earlier != null && !files.get(earlier).equals(files.get(j))) {
                    found.add(new Violation(Wording.child(filesAt, j) + "/name", name.toString(), "dsc file "
                            + Wording.quote(name.asText()) + " is listed twice (first at "
                            + Wording.child(filesAt, earlier) + ")"));
                }
            }
        }
    }

    private static void failableArchitectures(JsonNode manifest, List<Violation> found) {
        if (manifest.path("architectures").isEmpty()) {
            return; // not a list, or empty: the schema's to report
        }
        List<String> architectures = texts(manifest, "/architectures");
        eachText(manifest, "/failable/architectures", (pointer, arch) -> {
            if (!architectures.contains(arch)) {
                found.add(new Violation(pointer, json(arch), "failable architecture " + Wording.quote(arch)
                        + " is not one of the compose's architectures (" + String.join(", ", architectures) + ")"));
            }
        });
    }

    private static void failablePackages(JsonNode manifest, List<Violation> found) {
        if (manifest.has("rebuild") && !manifest.path("rebuild").isArray()) {
            return;
        }
        Set<String> rebuilt = new TreeSet<>();
        for (JsonNode entry : array(manifest.path("rebuild"))) {
            JsonNode location = entry.path("dsc").path("location");
            Matcher dsc = DscSource.FILE_NAME.matcher(location.isTextual() ? DscSource.fileName(location.asText()) : "");
            if (entry.path("source").isTextual()) {
                rebuilt.add(entry.path("source").asText());
            } else if (dsc.matches()) {
                rebuilt.add(dsc.group(1));
            } else {
                return; // an entry without a name is reported on its own; it may be the one named here
            }
        }
        eachText(manifest, "/failable/packages", (pointer, source) -> {
            if (!rebuilt.contains(source)) {
                found.add(new Violation(pointer, json(source), "failable package " + Wording.quote(source)
                        + " is not rebuilt, so its build cannot fail; "
                        + (rebuilt.isEmpty() ? "this manifest rebuilds nothing"
                                : "name a source of rebuild (" + String.join(", ", rebuilt) + ")")));
            }
        });
    }

    private static void ostreeRef(JsonNode manifest, List<Violation> found) {
        JsonNode ref = manifest.path("ostree").path("ref");
        if (!ref.isMissingNode() && !ref.isTextual()) {
            return;
        }
        String template = ref.isTextual() ? ref.asText() : OstreeSettings.DEFAULT_REF;
        String pointer = "/ostree/ref";
        Set<String> used = new TreeSet<>();
        Matcher matcher = OstreeSettings.PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            String placeholder = matcher.group(1);
            if (Manifest.REF_PLACEHOLDERS.contains(placeholder)) {
                used.add(placeholder);
            } else {
                found.add(new Violation(pointer, ref.toString(), "ostree ref template " + Wording.quote(template)
                        + " has the unknown placeholder " + matcher.group() + "; use {suite}, {arch}, {name} or {version}"));
            }
        }
        String rest = matcher.replaceAll("");
        if (rest.contains("{") || rest.contains("}")) {
            found.add(new Violation(pointer, ref.toString(), "ostree ref template " + Wording.quote(template)
                    + " has a '{' or '}' that does not belong to a placeholder"));
        } else if (!OSTREE_REF.matcher(matcher.replaceAll("x")).matches()) {
            // ostree's own rule (ostree_validate_rev): every part starts with a letter, digit or _, so no "..", no
            // "-x" that a tool would take for an option, no empty part
            found.add(new Violation(pointer, ref.toString(), "ostree ref template " + Wording.quote(template)
                    + " is not an OSTree ref: each '/'-separated part must start with a letter, digit or _ and hold"
                    + " only letters, digits and . _ -"));
        }
        List<String> architectures = texts(manifest, "/architectures");
        if (architectures.size() > 1 && !used.contains("arch")) {
            found.add(new Violation(pointer, ref.isMissingNode() ? null : ref.toString(), "ostree ref template "
                    + Wording.quote(template) + " has no {arch}, so the commits of all " + architectures.size()
                    + " architectures would go to the same ref"));
        }
        for (String field : List.of("name", "version")) {
            JsonNode value = manifest.path(field);
            if (used.contains(field) && value.isTextual() && !REF_TEXT.matcher(value.asText()).matches()) {
                found.add(new Violation("/" + field, value.toString(), field + " " + Wording.quote(value.asText())
                        + " cannot go into the OSTree ref " + Wording.quote(template)
                        + ": ref components allow only letters, digits and . _ -; change it or set ostree.ref"));
            }
        }
    }

    /**
     * A repository's {@code signed_by} path must be a keyring in a keyring directory: the executor
     * copies it into the buildroot (debian's {@code Keyrings}), and would refuse another one later.
     */
    private static void repositoryKeyrings(JsonNode manifest, List<Violation> found) {
        JsonNode repositories = manifest.path("repositories");
        for (int i = 0; i < repositories.size(); i++) {
            JsonNode key = repositories.path(i).path("signed_by");
            if (key.isTextual() && key.asText().startsWith("/")) {
                String pointer = "/repositories/" + i + "/signed_by";
                Keyrings.whyNot(key.asText()).ifPresent(why -> found.add(new Violation(pointer, key.toString(),
                        "repository signed_by " + Wording.quote(key.asText()) + " " + why)));
            }
        }
    }

    private static void imageTag(JsonNode manifest, List<Violation> found) {
        JsonNode image = manifest.path("image");
        JsonNode version = manifest.path("version");
        if (image.isObject() && !image.has("tag") && version.isTextual()
                && !OCI_TAG.matcher(version.asText()).matches()) {
            found.add(new Violation("/image/tag", null, "image.tag is required here: it defaults to the version "
                    + Wording.quote(version.asText()) + ", which is not an OCI tag (letters, digits and _ . -)"));
        }
    }

    /** The schema checks the form of disk.size; the range needs its number. */
    private static void diskSize(JsonNode manifest, List<Violation> found) {
        JsonNode size = manifest.path("disk").path("size");
        Matcher matcher = size.isTextual() ? DiskSettings.SIZE.matcher(size.asText()) : null;
        if (matcher == null || !matcher.matches()) {
            return; // absent (the default), or the schema's to report
        }
        BigInteger bytes = new BigInteger(matcher.group(1))
                .shiftLeft(matcher.group(2).equals("G") ? 30 : 20);
        if (bytes.compareTo(BigInteger.valueOf(DiskSettings.MIN_SIZE_BYTES)) < 0) {
            found.add(new Violation("/disk/size", size.toString(), "disk.size " + Wording.quote(size.asText())
                    + " is smaller than 2G (2048M), the least that holds an EFI system partition, /boot and a root"
                    + " file system"));
        } else if (bytes.compareTo(BigInteger.valueOf(DiskSettings.MAX_SIZE_BYTES)) > 0) {
            found.add(new Violation("/disk/size", size.toString(), "disk.size " + Wording.quote(size.asText())
                    + " is larger than 2048G, the largest disk image made"));
        }
    }

    /**
     * root= and ostree= name the deployment; the publisher writes them, and a second one
     * would win or clash. And YAML splits an unquoted console=ttyS0,115200n8 inside [ ]
     * at its comma, leaving a console without its speed and a stray 115200n8.
     */
    private static void diskKargs(JsonNode manifest, List<Violation> found) {
        String[] previous = {null};
        eachText(manifest, "/disk/kargs", (pointer, karg) -> {
            if (previous[0] != null && previous[0].startsWith("console=") && SERIAL_OPTIONS.matcher(karg).matches()) {
                found.add(new Violation(pointer, json(karg), "disk karg " + Wording.quote(karg) + " looks like the"
                        + " rest of " + Wording.quote(previous[0]) + ", split at its comma by YAML; write it as one"
                        + " quoted item, \"" + previous[0] + "," + karg + "\""));
            }
            previous[0] = karg;
            for (String reserved : DiskSettings.RESERVED_KARGS) {
                if (karg.startsWith(reserved) && NO_WHITE_SPACE.matcher(karg).matches()) {
                    found.add(new Violation(pointer, json(karg), "disk karg " + Wording.quote(karg) + " sets "
                            + reserved + ", which the publisher sets to the deployment it made; leave it out"));
                }
            }
        });
    }

    private static void composeId(JsonNode manifest, LocalDate today, List<Violation> found) {
        JsonNode name = manifest.path("name");
        JsonNode version = manifest.path("version");
        if (!name.isTextual() || !version.isTextual()) {
            return; // required / type: the schema's
        }
        ComposeType type = ComposeType.PRODUCTION;
        if (manifest.path("type").isTextual()) {
            try {
                type = ComposeType.fromWireName(manifest.path("type").asText());
            } catch (IllegalArgumentException unknown) {
                // the schema's enum reports it; the id's form does not depend on it
            }
        }
        try {
            ComposeId.of(name.asText(), version.asText(), today, type, 0);
        } catch (IllegalArgumentException e) {
            boolean aboutVersion = e.getMessage() != null && e.getMessage().startsWith("compose version");
            JsonNode culprit = aboutVersion ? version : name;
            found.add(new Violation(aboutVersion ? "/version" : "/name", culprit.toString(),
                    "name and version do not form a compose id <name>-<version>-<YYYYMMDD>[.n|.t|.ci].<respin>: "
                            + e.getMessage()));
        }
    }

    /** Each string item of the array at {@code pointer}, with its own pointer. */
    private static void eachText(JsonNode manifest, String pointer, BiConsumer<String, String> action) {
        JsonNode array = array(manifest.at(pointer));
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).isTextual()) {
                action.accept(Wording.child(pointer, i), array.get(i).asText());
            }
        }
    }

    private static List<String> texts(JsonNode manifest, String pointer) {
        Map<String, String> texts = new LinkedHashMap<>();
        eachText(manifest, pointer, (at, text) -> texts.putIfAbsent(text, at));
        return new ArrayList<>(texts.keySet());
    }

    /** {@code node} if it is an array, else an empty one: a member of the wrong shape is the schema's to report. */
    private static JsonNode array(JsonNode node) {
        return node.isArray() ? node : MissingNode.getInstance();
    }

    private static String json(String text) {
        return TextNode.valueOf(text).toString();
    }
}
