package org.debian.bootc.events;

/**
 * One thing wrong with a document: where (a JSON Pointer, RFC 6901, {@code ""} for
 * the whole document), the offending value as JSON text (absent when the value is
 * missing), and why.
 */
public record Violation(String pointer, String value, String reason) {

    public Violation {
        Invariants.required("pointer", pointer);
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            throw new IllegalArgumentException("pointer " + Texts.quote(pointer) + " is not a JSON Pointer");
        }
        Invariants.text("reason", reason);
    }

    /** {@code /manifest/name: required property 'name' not found} or {@code /attempt: ... (value "x")}. */
    @Override
    public String toString() {
        return (pointer.isEmpty() ? "/" : pointer) + ": " + reason + (value == null ? "" : " (value " + Texts.shorten(Texts.oneLine(value), Texts.MAX_VALUE_CHARS) + ")");
    }
}
