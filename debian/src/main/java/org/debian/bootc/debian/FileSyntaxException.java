package org.debian.bootc.debian;

/**
 * A line of a Debian file (a deb822 index, an apt source, a Release) that its format does not
 * allow. The message is {@code source:line: reason}, as compilers and apt write them, so a user
 * can open the file at the line; services map it to their own failure type.
 */
public final class FileSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String reason;

    /**
     * @param source the file or URI that was read
     * @param line 1-based line number
     * @param reason what is wrong there, without the position
     */
    public FileSyntaxException(String source, long line, String reason) {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
