package org.debian.bootc.planner.archive;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One {@code deb} entry of the machine's apt configuration: a deb822 stanza with
 * several URIs gives one entry per URI.
 *
 * @param uri the archive root, always ending in {@code /}
 * @param suites the suites (codenames or aliases) the entry names
 * @param components the components it names, e.g. {@code main}
 * @param signedBy the entry's Signed-By, when it has one
 * @param architectures the entry's {@code arch=} / {@code Architectures:}, empty meaning apt's default
 * @param file the file the entry came from, for messages
 */
public record AptSource(URI uri, List<String> suites, List<String> components, Optional<SignedBy> signedBy,
        List<String> architectures, Path file) {

    public AptSource {
        uri = ArchiveUris.asDirectory(uri);
        suites = List.copyOf(suites);
        components = List.copyOf(components);
        architectures = List.copyOf(architectures);
    }

    public boolean serves(String suite, String component) {
        return suites.contains(suite) && components.contains(component);
    }
}
