package org.debian.bootc.planner.archive;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.apt.AptSource;
import org.debian.bootc.debian.apt.AptSources;

/**
 * Decides which archive serves a suite: the configured mirror when there is one,
 * otherwise the machine's apt configuration.
 *
 * <p>From apt's entries it takes the first that names the suite with component
 * {@code main}. When none names it, the archive is the first entry with {@code main}
 * whose suite has the same kind: the same suffix after the codename
 * ({@code trixie-security} goes where {@code bookworm-security} goes, a plain
 * codename where {@code bookworm} goes). An archive serves many suites while a
 * machine lists only its own, and a suite the archive does not carry is then
 * answered by the archive itself (a 404 on InRelease), not guessed here.
 */
public final class ArchiveLocation {

    private static final String COMPONENT = "main";

    private final AptSources sources;
    private final Optional<URI> mirror;

    /**
     * @param sources the machine's apt configuration
     * @param mirror an archive root from configuration; when present it serves every suite
     */
    public ArchiveLocation(AptSources sources, Optional<URI> mirror) {
        this.sources = sources;
        this.mirror = mirror;
    }

    public Archive forSuite(String suite) {
        if (mirror.isPresent()) {
            return new Archive(mirror.get(), Optional.empty(), "configuration");
        }
        List<AptSource> entries;
        try {
            entries = sources.debEntries();
        } catch (FileSyntaxException e) {
            throw new ArchiveException.MalformedIndex(e);
        }
        for (AptSource entry : entries) {
            if (entry.serves(suite, COMPONENT)) {
                return new Archive(entry.uri(), entry.signedBy(), entry.file().toString());
            }
        }
        String kind = kind(suite);
        for (AptSource entry : entries) {
            if (entry.components().contains(COMPONENT) && entry.suites().stream().anyMatch(s -> kind(s).equals(kind))) {
                return new Archive(entry.uri(), entry.signedBy(), entry.file().toString());
            }
        }
        throw new ArchiveException.NoArchiveConfigured(suite, entries.isEmpty()
                ? "the apt configuration has no deb entries and no mirror is configured"
                : "no deb entry with component main names it or a suite like it, and no mirror is configured");
    }

    /** "" for a codename or alias, "-security" for bookworm-security, "-updates" for bookworm-updates. */
    static String kind(String suite) {
        int dash = suite.indexOf('-');
        return dash < 0 ? "" : suite.substring(dash);
    }
}
