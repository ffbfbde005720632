package org.debian.bootc.debian.relation;

import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.debian.relation.Dependencies.Alternative;
import org.debian.bootc.debian.relation.Dependencies.ArchitectureRestriction;
import org.debian.bootc.debian.relation.Dependencies.Relation;
import org.debian.bootc.debian.relation.Dependencies.VersionConstraint;

/**
 * A hand-written scanner for one relationship field. Grammar (Policy §7.1, in the order dpkg
 * requires):
 *
 * <pre>
 * field       = [relation *("," relation)] [","]
 * relation    = alternative *("|" alternative)
 * alternative = name [":" qualifier] ["(" op version ")"] ["[" arch *arch "]"] *("&lt;" profile *profile "&gt;")
 * </pre>
 *
 * with optional whitespace (including newlines) between tokens. It does one pass, no regexes,
 * and stops at the first error with its offset.
 */
final class DependencyParser {

    private final String field;
    private final String text;
    private final int length;
    private int pos;

    DependencyParser(String field, String text) {
        this.field = field;
        this.text = text;
        this.length = text.length();
    }

    List<Relation> parse() {
        List<Relation> relations = new ArrayList<>();
        skipSpace();
        while (pos < length) {
            Relation relation = relation();
            relations.add(relation);
            skipSpace();
            if (pos == length) {
                break;
            }
            if (text.charAt(pos) != ',') {
                String last = relation.alternatives().get(relation.alternatives().size() - 1).name();
                throw error("expected ',' or '|' after " + last
                        + " (a version, [architectures] and <profiles> may follow a name, in that order)");
            }
            pos++;
            skipSpace();
            if (pos < length && text.charAt(pos) == ',') {
                throw error("empty relation between two commas");
            }
        }
        return relations;
    }

    private Relation relation() {
        List<Alternative> alternatives = new ArrayList<>(2);
        alternatives.add(alternative());
        skipSpace();
        while (pos < length && text.charAt(pos) == '|') {
            pos++;
            skipSpace();
            alternatives.add(alternative());
            skipSpace();
        }
        return new Relation(alternatives);
    }

    private Alternative alternative() {
        String name = packageName();
        String qualifier = null;
        if (pos < length && text.charAt(pos) == ':') {
            pos++;
            qualifier = token(TokenKind.ARCH,
                    "an architecture qualifier (any, native or an architecture) after ':'");
        }
        skipSpace();
        VersionConstraint version = null;
        if (pos < length && text.charAt(pos) == '(') {
            version = version(name);
            skipSpace();
        }
        ArchitectureRestriction architectures = null;
        if (pos < length && text.charAt(pos) == '[') {
            architectures = architectures(name);
            skipSpace();
        }
        List<List<String>> profiles = new ArrayList<>(0);
        while (pos < length && text.charAt(pos) == '<') {
            profiles.add(profiles(name));
            skipSpace();
        }
        return new Alternative(name, qualifier, version, architectures, profiles);
    }

    private String packageName() {
        if (pos == length) {
            throw error("expected a package name");
        }
        char first = text.charAt(pos);
        if (!isLowerAlnum(first)) {
            throw error("expected a package name "
                    + "(lower-case letters, digits and + - ., starting with a letter or digit)");
        }
        int start = pos;
        while (pos < length && isNameChar(text.charAt(pos))) {
            pos++;
        }
        if (pos < length && Character.isUpperCase(text.charAt(pos))) {
            throw error("package names are lower case");
        }
        return text.substring(start, pos);
    }

    private VersionConstraint version(String name) {
        int open = pos;
        pos++;
        skipSpace();
        int opStart = pos;
        while (pos < length && (text.charAt(pos) == '<' || text.charAt(pos) == '>' || text.charAt(pos) == '=')) {
            pos++;
        }
        String operator = switch (text.substring(opStart, pos)) {
            case "<<", "<=", "=", ">=", ">>" -> text.substring(opStart, pos);
            case "<" -> "<=";
            case ">" -> ">=";
            case "" -> throw errorAt(opStart, "expected a version operator (<< <= = >= >>) after '(' of " + name);
            default -> throw errorAt(opStart, "unknown version operator '" + text.substring(opStart, pos) + "'");
        };
        skipSpace();
        int versionStart = pos;
        while (pos < length && isVersionChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == versionStart) {
            throw error("expected a version after '" + operator + "' of " + name);
        }
        String version = text.substring(versionStart, pos);
        skipSpace();
        if (pos == length) {
            throw errorAt(open, "'(' of " + name + " is not closed");
        }
        if (text.charAt(pos) != ')') {
            throw error("expected ')' to close the version of " + name);
        }
        pos++;
        return new VersionConstraint(operator, version);
    }

    private ArchitectureRestriction architectures(String name) {
        int open = pos;
        pos++;
        skipSpace();
        List<String> names = new ArrayList<>(2);
        Boolean negated = null;
        while (pos < length && text.charAt(pos) != ']') {
            int termStart = pos;
            boolean not = text.charAt(pos) == '!';
            if (not) {
                pos++;
            }
            names.add(token(TokenKind.ARCH, "an architecture name, or ']' to close the '[' of " + name));
            if (negated != null && negated != not) {
                throw errorAt(termStart, "[...] of " + name + " mixes negated and plain architectures");
            }
            negated = not;
            skipSpace();
        }
        if (pos == length) {
            throw errorAt(open, "'[' of " + name + " is not closed");
        }
        if (names.isEmpty()) {
            throw errorAt(open, "empty architecture restriction [] of " + name);
        }
        pos++;
        return new ArchitectureRestriction(negated, names);
    }

    private List<String> profiles(String name) {
        int open = pos;
        pos++;
        skipSpace();
        List<String> terms = new ArrayList<>(2);
        while (pos < length && text.charAt(pos) != '>') {
            boolean not = text.charAt(pos) == '!';
            if (not) {
                pos++;
            }
            String profile = token(TokenKind.PROFILE, "a build profile name, or '>' to close the '<' of " + name);
            terms.add(not ? "!" + profile : profile);
            skipSpace();
        }
        if (pos == length) {
            throw errorAt(open, "'<' of " + name + " is not closed");
        }
        if (terms.isEmpty()) {
            throw errorAt(open, "empty build profile restriction <> of " + name);
        }
        pos++;
        return terms;
    }

    private String token(TokenKind chars, String expected) {
        int start = pos;
        if (pos < length && isLowerAlnum(text.charAt(pos))) {
            pos++;
            while (pos < length && chars.accepts(text.charAt(pos))) {
                pos++;
            }
        }
        if (pos == start) {
            throw error("expected " + expected);
        }
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < length) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private DependencySyntaxException error(String reason) {
        return errorAt(pos, reason);
    }

    private DependencySyntaxException errorAt(int offset, String reason) {
        return new DependencySyntaxException(field, offset, reason, text);
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isNameChar(char c) {
        return isLowerAlnum(c) || c == '+' || c == '-' || c == '.';
    }

    /** Debian version characters (Policy §5.6.12), epoch colon included. */
    private static boolean isVersionChar(char c) {
        return isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-' || c == '~' || c == ':';
    }

    /** What may follow the first character of an architecture or a profile name. */
    private enum TokenKind {
        ARCH,
        PROFILE;

        boolean accepts(char c) {
            return isLowerAlnum(c) || c == '-' || (this == PROFILE && (c == '.' || c == '+'));
        }
    }
}
