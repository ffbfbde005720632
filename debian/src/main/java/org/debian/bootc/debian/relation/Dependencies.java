package org.debian.bootc.debian.relation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One parsed relationship field (Debian Policy §7.1), e.g. Build-Depends: an AND of
 * {@link Relation}s, each an OR of {@link Alternative}s.
 *
 * @param field the field's name, for messages
 * @param relations in the field's order
 */
public record Dependencies(String field, List<Relation> relations) {

    /** A build profile name, as in {@code <!nocheck>} and {@code DEB_BUILD_PROFILES}. */
    static final Pattern PROFILE_NAME = Pattern.compile("[a-z0-9][a-z0-9.+-]*");

    public Dependencies {
        Objects.requireNonNull(field, "field is required");
        relations = List.copyOf(relations);
    }

    /**
     * Parses a field's value. Whitespace (newlines of folded deb822 lines included) may stand
     * between any two tokens; a trailing comma is accepted, as dpkg does. Null or blank text is
     * an empty field.
     *
     * @throws DependencySyntaxException naming the field and the offset of the first error
     */
    public static Dependencies parse(String field, String text) {
        Objects.requireNonNull(field, "field is required");
        if (text == null || text.isBlank()) {
            return new Dependencies(field, List.of());
        }
        return new Dependencies(field, new DependencyParser(field, text).parse());
    }

    /**
     * The relations that apply to a build on {@code architecture} with the active build
     * {@code profiles}, reduced as dpkg-checkbuilddeps does: alternatives whose architecture or
     * profile restriction excludes the build are dropped, and a relation left without
     * alternatives is dropped with them.
     */
    public List<Relation> forBuild(String architecture, Set<String> profiles) {
        List<Relation> kept = new ArrayList<>(relations.size());
        for (Relation relation : relations) {
            List<Alternative> applicable = new ArrayList<>(relation.alternatives().size());
            for (Alternative alternative : relation.alternatives()) {
                if (alternative.appliesTo(architecture, profiles)) {
                    applicable.add(alternative);
                }
            }
            if (applicable.size() == relation.alternatives().size()) {
                kept.add(relation);
            } else if (!applicable.isEmpty()) {
                kept.add(new Relation(applicable));
            }
        }
        return kept;
    }

    /** @throws IllegalArgumentException when {@code profile} is not a build profile name */
    public static void requireProfileName(String profile) {
        if (profile == null || !PROFILE_NAME.matcher(profile).matches()) {
            throw new IllegalArgumentException("build profile '" + profile
                    + "' is not a profile name (lower-case letters, digits and . + -)");
        }
    }

    @Override
    public String toString() {
        return relations.stream().map(Relation::toString).collect(Collectors.joining(", "));
    }

    /** One comma-separated item: satisfied when any of its alternatives is. */
    public record Relation(List<Alternative> alternatives) {

        public Relation {
            alternatives = List.copyOf(alternatives);
            if (alternatives.isEmpty()) {
                throw new IllegalArgumentException("a relation needs at least one alternative");
            }
        }

        @Override
        public String toString() {
            return alternatives.stream().map(Alternative::toString).collect(Collectors.joining(" | "));
        }
    }

    /**
     * One package that can satisfy a relation.
     *
     * @param name the binary package name
     * @param architectureQualifier {@code any}, {@code native} or an architecture after ':'; null if absent
     * @param version the version constraint, null if absent
     * @param architectures the {@code [...]} restriction, null if absent
     * @param profiles the {@code <...>} restriction formula, empty if absent
     */
    public record Alternative(String name, String architectureQualifier, VersionConstraint version,
            ArchitectureRestriction architectures, List<List<String>> profiles) {

        public Alternative {
            Objects.requireNonNull(name, "name is required");
            profiles = profiles.stream().map(List::copyOf).toList();
        }

        /** Whether the architecture and profile restrictions let this alternative into the build. */
        public boolean appliesTo(String architecture, Set<String> activeProfiles) {
            return (architectures == null || architectures.matches(architecture))
                    && matchesProfiles(activeProfiles);
        }

        /**
         * Policy §7.1 build profiles: the {@code <...>} groups are OR-ed, the terms inside one group
         * AND-ed; {@code !p} holds when profile {@code p} is not active.
         */
        private boolean matchesProfiles(Set<String> activeProfiles) {
            if (profiles.isEmpty()) {
                return true;
            }
            for (List<String> group : profiles) {
                boolean all = true;
                for (String term : group) {
                    boolean negated = term.startsWith("!");
                    boolean active = activeProfiles.contains(negated ? term.substring(1) : term);
                    if (active == negated) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder(name);
            if (architectureQualifier != null) {
                out.append(':').append(architectureQualifier);
            }
            if (version != null) {
                out.append(" (").append(version.operator()).append(' ').append(version.version()).append(')');
            }
            if (architectures != null) {
                out.append(" [").append(architectures).append(']');
            }
            for (List<String> group : profiles) {
                out.append(" <").append(String.join(" ", group)).append('>');
            }
            return out.toString();
        }
    }

    /**
     * A version constraint. The obsolete operators {@code <} and {@code >} are read as dpkg
     * reads them, {@code <=} and {@code >=}, so an old Sources entry does not fail a plan.
     *
     * @param operator one of {@code << <= = >= >>}
     * @param version the Debian version, unvalidated beyond its characters
     */
    public record VersionConstraint(String operator, String version) {

        public VersionConstraint {
            Objects.requireNonNull(operator, "operator is required");
            Objects.requireNonNull(version, "version is required");
        }
    }

    /**
     * A {@code [...]} restriction: either a list of architectures the relation applies to, or
     * (negated) a list it does not apply to; Policy forbids mixing the two.
     *
     * @param negated whether the names were written with '!'
     * @param names architecture names or wildcards, without '!'
     */
    public record ArchitectureRestriction(boolean negated, List<String> names) {

        public ArchitectureRestriction {
            names = List.copyOf(names);
        }

        public boolean matches(String architecture) {
            for (String name : names) {
                if (ArchitectureWildcard.matches(name, architecture)) {
                    return !negated;
                }
            }
            return negated;
        }

        @Override
        public String toString() {
            String prefix = negated ? "!" : "";
            return names.stream().map(name -> prefix + name).collect(Collectors.joining(" "));
        }
    }
}
