package org.debian.bootc.events;

import java.util.regex.Pattern;

/** The rule every typed id shares, so their error messages read alike. */
final class Identifiers {

    static final int MAX_LENGTH = 200;

    /**
     * Letters, digits and the punctuation Debian versions and host names use, so a
     * task id can embed {@code source_1:2.3+dfsg~rc1-1}; no '/', spaces or control
     * characters, so it is safe in a URL path segment, a file name and a Kafka key.
     */
    static final String REGEX = "^[A-Za-z0-9][A-Za-z0-9._:+~@-]*$";

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private Identifiers() {
    }

    static void check(String kind, String value) {
        check(kind, value, PATTERN, "letters, digits and . _ : + ~ @ -, starting with a letter or digit");
    }

    static void check(String kind, String value, Pattern pattern, String rule) {
        if (value == null) {
            throw new IllegalArgumentException(kind + " is required");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(kind + " must not be blank");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(kind + " is " + value.length()
                    + " characters long, over the limit of " + MAX_LENGTH);
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " " + Texts.quote(value) + " is not valid: " + rule);
        }
    }
}
