package org.debian.bootc.planner.manifest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;

import org.debian.bootc.events.Violation;

/**
 * Turns the validator's errors into violations a person can act on: the pointer at
 * the offending member (a missing or unknown key included), its value, and a reason
 * in the manifest's own words ("suite 'bookwork' is not one of bookworm, trixie,
 * sid") instead of the validator's ("does not have a value in the enumeration").
 */
final class SchemaReasons {

    /**
     * What each {@code pattern}, {@code format} and {@code propertyNames} of the schema
     * asks for, by its location in the schema; a test holds this map and the schema
     * together.
     */
    static final Map<String, String> RULES = Map.ofEntries(
            Map.entry("/properties/name/pattern",
                    "a valid compose name: letters, digits and . _ + -, starting with a letter or digit"),
            Map.entry("/properties/version/pattern",
                    "a valid compose version: letters, digits and . _ + ~ (no '-'), starting with a letter or digit"),
            Map.entry("/$defs/packageName/pattern",
                    "a Debian package name: lower-case letters, digits and + . -, at least two characters,"
                            + " starting with a letter or digit"),
            Map.entry("/properties/packages/items/pattern",
                    "a Debian package name: lower-case letters, digits and + . -, at least two characters,"
                            + " starting with a letter or digit; {arch} may stand for the architecture"),
            Map.entry("/$defs/debianVersion/pattern",
                    "a Debian version: [epoch:]upstream[-revision], e.g. 2.10-3 or 1:2.3-1"),
            Map.entry("/$defs/sha256/pattern", "a sha256 digest: 64 lower-case hex digits"),
            Map.entry("/$defs/fileName/pattern", "a file name without directory"),
            Map.entry("/$defs/location/format", "an absolute URI with a scheme, e.g. file:///srv/local-repo"),
            Map.entry("/$defs/dsc/properties/location/pattern", "the location of a .dsc file (ending in .dsc)"),
            Map.entry("/$defs/rebuild/properties/profile/pattern",
                    "a list of build profile names separated by single spaces, e.g. 'nocheck nodoc'"),
            Map.entry("/$defs/repository/properties/suite/pattern",
                    "an apt suite name, e.g. bookworm-backports (flat repositories are not supported)"),
            Map.entry("/$defs/repository/properties/components/items/pattern", "an apt component name, e.g. main"),
            Map.entry("/$defs/repository/properties/signed_by/pattern",
                    "an absolute path to a keyring file or an ASCII-armored OpenPGP public key block"),
            Map.entry("/properties/ostree/properties/ref/pattern",
                    "an OSTree ref template: components of letters, digits, . _ - and {placeholders}, separated by '/'"),
            Map.entry("/properties/image/properties/repository/pattern",
                    "an OCI repository: [registry[:port]/]path with lower-case path components and no tag,"
                            + " e.g. localhost:5000/debian-bootc/minimal"),
            Map.entry("/properties/image/properties/tag/pattern",
                    "an OCI tag: letters, digits and _ . -, at most 128 characters, not starting with . or -"),
            Map.entry("/properties/image/properties/labels/propertyNames",
                    "a label key: letters, digits and . _ / -, starting with a letter or digit, at most 255 characters"),
            Map.entry("/properties/disk/properties/size/pattern",
                    "a disk size: a whole number of MiB or GiB with its unit, M or G, e.g. 4G or 3072M"),
            Map.entry("/properties/disk/properties/kargs/items/pattern",
                    "a kernel argument: non-empty, without white space; give each argument as its own item"));

    private SchemaReasons() {
    }

    static List<Violation> translate(Collection<Error> errors, JsonNode instance, JsonNode schema) {
        // A value of the wrong type fails its enum and pattern too; the type is what to fix.
        Set<String> wrongType = new HashSet<>();
        errors.stream().filter(e -> e.getKeyword().equals("type"))
                .forEach(e -> wrongType.add(e.getInstanceLocation().toString()));
        Set<Violation> violations = new LinkedHashSet<>();
        for (Error error : errors) {
            // A oneOf reports why each branch failed; its own error says it better.
            if (error.getEvaluationPath().toString().contains("/oneOf/")
                    || !error.getKeyword().equals("type") && wrongType.contains(error.getInstanceLocation().toString())) {
                continue;
            }
            violations.addAll(translate(error, instance, schema));
        }
        List<Violation> sorted = new ArrayList<>(violations);
        sorted.sort(Wording.BY_POINTER);
        return sorted;
    }

    private static List<Violation> translate(Error error, JsonNode instance, JsonNode schema) {
        String at = error.getInstanceLocation().toString();
        JsonNode node = instance.at(at);
        String label = Wording.label(at);
        Object[] args = error.getArguments() == null ? new Object[0] : error.getArguments();
        return switch (error.getKeyword()) {
            case "required" -> {
                String pointer = Wording.child(at, error.getProperty());
                yield List.of(new Violation(pointer, null, Wording.label(pointer) + " is required"));
            }
            case "additionalProperties" -> List.of(unknownKey(error, at, instance, schema));
            case "uniqueItems" -> duplicates(at, node);
            case "type" -> List.of(violation(at, node, wrongType(label, node, String.valueOf(args[1]))));
            case "enum" -> List.of(violation(at, node, label + " " + Wording.quote(node) + " is not one of "
                    + String.join(", ", texts(error.getSchemaNode()))));
            case "pattern", "format" -> List.of(violation(at, node, label + " " + Wording.quote(node) + " is not "
                    + rule(error, "does not match " + error.getSchemaNode())));
            case "propertyNames" -> {
                String pointer = Wording.child(at, error.getProperty());
                yield List.of(new Violation(pointer, instance.at(pointer).toString(), "key "
                        + Wording.quote(error.getProperty()) + " in " + label + " is not " + rule(error, "a valid key")));
            }
            case "minItems" -> List.of(violation(at, node, number(args, 0) == 1
                    ? label + " must not be empty"
                    : label + " must have at least " + args[0] + " items, has " + node.size()));
            case "maxItems" -> List.of(violation(at, node,
                    label + " must have at most " + args[0] + " items, has " + node.size()));
            case "minLength" -> List.of(violation(at, node, number(args, 0) == 1
                    ? label + " must not be empty"
                    : label + " must be at least " + args[0] + " characters long"));
            case "maxLength" -> List.of(violation(at, node, label + " is " + codePoints(node)
                    + " characters long, longer than the limit of " + args[0]));
            case "minimum" -> List.of(violation(at, node, label + " must be at least " + args[0] + ", is " + node));
            case "maximum" -> List.of(violation(at, node, label + " must be at most " + args[0] + ", is " + node));
            case "oneOf" -> oneOf(at, node, label);
            case "dependentRequired" -> List.of(dependentRequired(error, at, instance, args));
            default -> List.of(violation(at, node, label + " " + error.getMessage()));
        };
    }

    private static Violation unknownKey(Error error, String at, JsonNode instance, JsonNode schema) {
        String key = error.getProperty();
        String pointer = Wording.child(at, key);
        // The error sits on "additionalProperties"; its siblings list the keys that are allowed.
        String fragment = fragment(error);
        JsonNode properties = schema.at(fragment.substring(0, fragment.lastIndexOf('/')) + "/properties");
        List<String> known = new ArrayList<>();
        properties.fieldNames().forEachRemaining(known::add);
        StringBuilder reason = new StringBuilder("unknown key ").append(Wording.quote(key))
                .append(at.isEmpty() ? " in the manifest" : " in " + Wording.label(at));
        String suggestion = KeySuggestion.closest(key, known);
        if (suggestion != null) {
            reason.append(" (did you mean ").append(Wording.quote(suggestion)).append("?)");
        }
        reason.append(known.isEmpty() ? "; no keys are allowed here" : "; allowed keys: " + String.join(", ", known));
        return new Violation(pointer, instance.at(pointer).toString(), reason.toString());
    }

    /** One violation per repeated item, at the repeat, naming the first occurrence. */
    private static List<Violation> duplicates(String at, JsonNode array) {
        List<Violation> found = new ArrayList<>();
        for (int later = 1; later < array.size(); later++) {
            for (int first = 0; first < later; first++) {
                if (array.get(first).equals(array.get(later))) {
                    String pointer = Wording.child(at, later);
                    JsonNode item = array.get(later);
                    found.add(violation(pointer, item, Wording.label(pointer)
                            + (item.isContainerNode() ? "" : " " + Wording.quote(item))
                            + " is listed twice (first at " + Wording.child(at, first) + ")"));
                    break;
                }
            }
        }
        return found.isEmpty() ? List.of(violation(at, array, Wording.label(at) + " has repeated items")) : found;
    }

    private static String wrongType(String label, JsonNode node, String expected) {
        String actual = Wording.typeOf(node);
        StringBuilder reason = new StringBuilder(label).append(" must be ").append(Wording.typeName(expected))
                .append(", found ").append(Wording.typeName(actual));
        if (!node.isNull() && !node.isContainerNode()) {
            reason.append(' ').append(Wording.quote(node));
        }
        if (label.equals("disk.size") && node.isNumber()) {
            reason.append("; give the unit, e.g. ").append(node.asText()).append("G or ").append(node.asText())
                    .append('M');
        } else if (expected.equals("string") && (node.isNumber() || node.isBoolean())) {
            reason.append("; quote it in YAML so it stays text");
        } else if (label.equals("rebuild entry") && node.isTextual()) {
            reason.append("; write it as - source: ").append(node.asText());
        } else if (expected.equals("array") && node.isValueNode() && !node.isNull()) {
            reason.append("; write a list, e.g. [").append(node.asText()).append(']');
        }
        return reason.toString();
    }

    private static List<Violation> oneOf(String at, JsonNode node, String label) {
        if (!node.isObject()) {
            return List.of(); // the type error at the same place says what is wrong
        }
        if (label.equals("rebuild entry")) {
            boolean both = node.has("source") && node.has("dsc");
            return List.of(violation(at, node, both
                    ? "rebuild entry has both source and dsc; give exactly one"
                    : "rebuild entry needs source (a source package of the suite) or dsc (a .dsc given by location"
                            + " and sha256)"));
        }
        return List.of(violation(at, node, label + " must match exactly one of its alternatives"));
    }

    private static Violation dependentRequired(Error error, String at, JsonNode instance, Object[] args) {
        String present = error.getProperty();
        String pointer = Wording.child(at, present);
        String reason = Wording.label(at).equals("rebuild entry") && "version".equals(present)
                ? "rebuild version can only be given with source: a dsc rebuild builds the version its .dsc names"
                : Wording.label(pointer) + " needs " + args[0] + " beside it";
        return new Violation(pointer, instance.at(pointer).toString(), reason);
    }

    private static String rule(Error error, String fallback) {
        return RULES.getOrDefault(fragment(error), fallback);
    }

    private static String fragment(Error error) {
        String location = error.getSchemaLocation().toString();
        int hash = location.indexOf('#');
        return hash < 0 ? "" : location.substring(hash + 1);
    }

    private static Violation violation(String pointer, JsonNode value, String reason) {
        return new Violation(pointer, value == null || value.isMissingNode() ? null : value.toString(), reason);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.isTextual() ? item.asText() : item.toString()));
        return texts;
    }

    private static long number(Object[] args, int index) {
        return args.length > index && args[index] instanceof Number n ? n.longValue() : -1;
    }

    private static int codePoints(JsonNode node) {
        String text = node.asText();
        return text.codePointCount(0, text.length());
    }

    /** The known key a mistyped one most likely meant, if any is close enough. */
    static final class KeySuggestion {

        private KeySuggestion() {
        }

        static String closest(String typed, List<String> known) {
            String best = null;
            int bestScore = Integer.MAX_VALUE;
            for (String candidate : known) {
                int score = score(typed, candidate);
                if (score < bestScore) {
                    best = candidate;
                    bestScore = score;
                }
            }
            return bestScore <= 2 ? best : null;
        }

        /** 0 when the keys differ only in case, '-' and '_'; the edit distance, or 2 for a shared 4-letter stem. */
        private static int score(String typed, String candidate) {
            String a = normal(typed);
            String b = normal(candidate);
            int distance = distance(a, b);
            if (distance > 2 && commonPrefix(a, b) >= 4) {
                return 2;
            }
            return distance;
        }

        private static String normal(String key) {
            return key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        }

        private static int commonPrefix(String a, String b) {
            int n = 0;
            while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
                n++;
            }
            return n;
        }

        private static int distance(String a, String b) {
            int[] previous = new int[b.length() + 1];
            int[] current = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                previous[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                current[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                    current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
                }
                int[] swap = previous;
                previous = current;
                current = swap;
            }
            return previous[b.length()];
        }
    }
}
