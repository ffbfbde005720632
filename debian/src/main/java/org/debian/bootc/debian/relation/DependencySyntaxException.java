package org.debian.bootc.debian.relation;

/**
 * A relationship field (Build-Depends and the like) that does not follow Debian Policy §7.1.
 * The message names the source package (once known), the field, the 0-based character offset
 * into the field's value, what was expected there, and the text that follows the offset.
 */
public final class DependencySyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;
    private static final int EXCERPT_CHARS = 40;

    private final String source;
    private final String field;
    private final int offset;
    private final String reason;
    private final String text;

    DependencySyntaxException(String field, int offset, String reason, String text) {
        this(null, field, offset, reason, text);
    }

    private DependencySyntaxException(String source, String field, int offset, String reason, String text) {
        super(message(source, field, offset, reason, text));
        this.source = source;
        this.field = field;
        this.offset = offset;
        this.reason = reason;
        this.text = text;
    }

    /** The same error, with the source package whose field it is. */
    public DependencySyntaxException inSource(String sourceName) {
        DependencySyntaxException withSource = new DependencySyntaxException(sourceName, field, offset, reason, text);
        withSource.setStackTrace(getStackTrace());
        return withSource;
    }

    /** The source package, or null when the field was parsed on its own. */
    public String source() {
        return source;
    }

    /** The field's name, e.g. {@code Build-Depends-Arch}. */
    public String field() {
        return field;
    }

    /** 0-based offset into the field's value where parsing stopped. */
    public int offset() {
        return offset;
    }

    /** What was wrong at {@link #offset()}, without the position. */
    public String reason() {
        return reason;
    }

    private static String message(String source, String field, int offset, String reason, String text) {
        String where = (source == null ? "" : "source " + source + ": ") + field + ", offset " + offset;
        return where + ": " + reason + "; at " + excerpt(text, offset);
    }

    private static String excerpt(String text, int offset) {
        if (offset >= text.length()) {
            return "the end of the field";
        }
        String rest = text.substring(offset);
        String shown = rest.length() > EXCERPT_CHARS ? rest.substring(0, EXCERPT_CHARS) + "…" : rest;
        return "\"" + shown.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }
}
