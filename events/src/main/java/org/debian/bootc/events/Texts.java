package org.debian.bootc.events;

/**
 * Renders values into one-line messages that fit in a Kafka header; the planner words
 * manifest violations with the same rules.
 */
public final class Texts {

    static final int MAX_VALUE_CHARS = 120;

    private Texts() {
    }

    /** {@code 'value'}, shortened and with control characters escaped; {@code null} as such. */
    static String quote(String value) {
        return value == null ? "null" : "'" + shorten(oneLine(value), MAX_VALUE_CHARS) + "'";
    }

    /** Control characters (newlines included) as {@code \n}, {@code \t} or {@code \}{@code uXXXX}. */
    public static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** At most {@code max} characters, the last one an ellipsis when cut. */
    public static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }
}
