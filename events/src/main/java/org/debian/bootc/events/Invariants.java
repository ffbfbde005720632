package org.debian.bootc.events;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks the record constructors share. They never reject what the JSON Schema
 * accepts (a payload that passed the schema must bind), so they check presence
 * and the invariants of ids and hashes; the schema carries the rest.
 */
final class Invariants {

    static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    private Invariants() {
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }

    static String text(String field, String value) {
        if (required(field, value).isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    /** An optional text: null stays null, but if present it must not be blank. */
    static String optionalText(String field, String value) {
        return value == null ? null : text(field, value);
    }

    static String sha256(String field, String value) {
        if (!SHA256.matcher(required(field, value)).matches()) {
            throw new IllegalArgumentException(field + " " + Texts.quote(value)
                    + " is not a sha256 digest (64 lower-case hex digits)");
        }
        return value;
    }

    static <T> List<T> list(String field, List<T> values) {
        return List.copyOf(required(field, values));
    }

    /** An optional list: absent reads as empty. */
    static <T> List<T> optionalList(List<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    static long atLeast(String field, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(field + " must be at least " + minimum + ", was " + value);
        }
        return value;
    }

    static void nonEmpty(String field, List<?> values) {
        if (Objects.requireNonNull(values).isEmpty()) {
            throw new IllegalArgumentException(field + " must not be empty");
        }
    }
}
