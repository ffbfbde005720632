package org.debian.bootc.planner.manifest;

import java.util.Comparator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.debian.bootc.events.Texts;
import org.debian.bootc.events.Violation;

/**
 * How violations name things: a JSON Pointer turned into the words a manifest's
 * author uses ({@code /architectures/1} is "architecture", {@code /image/tag} is
 * "image.tag"), values quoted on one short line, and one order for every list.
 */
final class Wording {

    /** Longest value quoted inside a reason; the violation's value field keeps it whole. */
    static final int MAX_QUOTED_CHARS = 80;

    /** Array items and other places whose dotted key path would read badly. */
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("", "the manifest"),
            Map.entry("/architectures/*", "architecture"),
            Map.entry("/packages/*", "package"),
            Map.entry("/exclude/*", "excluded package"),
            Map.entry("/rebuild/*", "rebuild entry"),
            Map.entry("/rebuild/*/source", "rebuild source"),
            Map.entry("/rebuild/*/version", "rebuild version"),
            Map.entry("/rebuild/*/profile", "build profile"),
            Map.entry("/rebuild/*/dsc", "rebuild dsc"),
            Map.entry("/rebuild/*/dsc/files/*", "dsc file"),
            Map.entry("/repositories/*", "repository"),
            Map.entry("/repositories/*/components/*", "repository component"),
            Map.entry("/failable/architectures/*", "failable architecture"),
            Map.entry("/failable/packages/*", "failable package"),
            Map.entry("/disk/formats/*", "disk format"),
            Map.entry("/disk/kargs/*", "disk karg"));

    /** Violations in document order: by pointer, array indexes compared as numbers. */
    static final Comparator<Violation> BY_POINTER = (a, b) -> comparePointers(a.pointer(), b.pointer());

    private static final String LABELS_PREFIX = "/image/labels/";

    private Wording() {
    }

    /**
     * What the value at {@code pointer} is called in a sentence: a named place
     * ("architecture", "dsc file"), the nearest named place and the keys below it
     * ("dsc file sha256"), or the key path ("image.tag").
     */
    static String label(String pointer) {
        if (pointer.startsWith(LABELS_PREFIX) && pointer.length() > LABELS_PREFIX.length()) {
            return "image label " + quote(unescape(pointer.substring(LABELS_PREFIX.length())));
        }
        String generic = pointer.replaceAll("/[0-9]+(?=/|$)", "/*");
        String label = LABELS.get(generic);
        if (label != null) {
            return label;
        }
        String prefix = generic;
        while (prefix.lastIndexOf('/') > 0) {
            prefix = prefix.substring(0, prefix.lastIndexOf('/'));
            if (LABELS.containsKey(prefix)) {
                return LABELS.get(prefix) + " " + dotted(generic.substring(prefix.length()));
            }
        }
        return dotted(generic);
    }

    /** The pointer to member {@code key} of the object at {@code parent} (RFC 6901 escaping). */
    static String child(String parent, String key) {
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String child(String parent, int index) {
        return parent + "/" + index;
    }

    /** A string as {@code 'text'}, anything else as its JSON text; shortened, on one line. */
    static String quote(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        return value.isTextual() ? quote(value.asText()) : shorten(value.toString());
    }

    static String quote(String text) {
        return "'" + shorten(text) + "'";
    }

    /** "an array", "a string": JSON Schema's type names as the YAML author knows them. */
    static String typeName(String jsonType) {
        return switch (jsonType) {
            case "object" -> "a mapping (object)";
            case "array" -> "a list (array)";
            case "string" -> "a string";
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            case "null" -> "nothing (null)";
            default -> jsonType;
        };
    }

    /** The JSON Schema type of {@code node}. */
    static String typeOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT, POJO -> "object";
            case ARRAY -> "array";
            case STRING, BINARY -> "string";
            case NUMBER -> node.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            default -> "null";
        };
    }

    private static String shorten(String text) {
        return Texts.shorten(Texts.oneLine(text), MAX_QUOTED_CHARS);
    }

    private static String dotted(String genericPointer) {
        StringBuilder dotted = new StringBuilder();
        for (String segment : genericPointer.substring(1).split("/")) {
            if (!segment.equals("*")) {
                dotted.append(dotted.length() == 0 ? "" : ".").append(unescape(segment));
            }
        }
        return dotted.toString();
    }

    private static String unescape(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }

    private static int comparePointers(String a, String b) {
        String[] left = a.split("/", -1);
        String[] right = b.split("/", -1);
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int order = compareSegments(left[i], right[i]);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static int compareSegments(String a, String b) {
        if (a.matches("[0-9]{1,9}") && b.matches("[0-9]{1,9}")) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return a.compareTo(b);
    }
}
