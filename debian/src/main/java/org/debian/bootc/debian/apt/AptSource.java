package org.debian.bootc.debian.apt;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One {@code deb} entry of a machine's apt configuration: a deb822 stanza with several URIs
 * gives one entry per URI.
 *
 * <p>A flat repository ({@code deb URI dir/}, sources.list(5)'s "exact path" form) has one
 * suite ending in {@code /} and no components; it has no {@code dists/} tree, so it serves
 * no suite.
 *
 * @param uri the archive root, always ending in {@code /}
 * @param suites the suites (codenames or aliases) the entry names, or the flat repository's path
 * @param components the components it names, e.g. {@code main}; empty for a flat repository
 * @param signedBy the entry's Signed-By, when it has one
 * @param architectures the entry's {@code arch=} / {@code Architectures:}, empty meaning apt's default
 * @param file the file the entry came from, for messages
 * @param line the line of the file where the entry (or its stanza) starts
 */
public record AptSource(URI uri, List<String> suites, List<String> components, Optional<SignedBy> signedBy,
        List<String> architectures, Path file, long line) {

    public AptSource {
        String text = uri.toString();
        uri = text.endsWith("/") ? uri : URI.create(text + "/");
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        architectures = List.copyOf(architectures);
    }

    /** Whether the entry is a flat repository, whose "suite" is a path below the URI. */
    public boolean flat() {
        return suites.size() == 1 && suites.get(0).endsWith("/");
    }

    /** Whether the entry names {@code suite} with {@code component}; never true for a flat repository. */
    public boolean serves(String suite, String component) {
        return !flat() && suites.contains(suite) && components.contains(component);
    }

    /** {@code file:line}, for messages. */
    public String origin() {
        return file + ":" + line;
    }
}
