package org.debian.bootc.executor.archive;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.debian.bootc.debian.FileSyntaxException;
import org.debian.bootc.debian.apt.AptSource;
import org.debian.bootc.debian.apt.AptSources;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.executor.failure.ArchiveUnreachable;
import org.debian.bootc.executor.failure.ConfigError;

/**
 * Which archive a build installs from, and the state it is in. The task's own
 * {@code archive} comes first (the planner resolved the package set there), then
 * this executor's configuration, then the machine's apt configuration (read by the
 * shared {@link AptSources}, as the planner reads it); a host name is never written in code.
 */
public final class ArchiveResolver {

    private final Optional<URI> configured;
    private final AptSources host;
    private final Fetcher downloader;
    private final Path scratch;

    public ArchiveResolver(Optional<URI> configured, AptSources host, Fetcher downloader, Path scratch) {
        this.configured = configured;
        this.host = host;
        this.downloader = downloader;
        this.scratch = scratch;
    }

    /**
     * @throws ConfigError when neither the task, the configuration nor the machine's apt sources name an archive
     *         for {@code suite}, or when the machine's apt sources have a line apt refuses
     */
    public URI archiveFor(String suite, Optional<String> fromTask) {
        if (fromTask.isPresent()) {
            URI uri;
            try {
                uri = new URI(fromTask.get());
            } catch (java.net.URISyntaxException e) {
                throw new ConfigError("archive '" + fromTask.get() + "' is not a URI: " + e.getReason());
            }
            if (!uri.isAbsolute() || uri.getPath() == null) {
                throw new ConfigError("archive '" + fromTask.get() + "' is not an absolute hierarchical URI"
                        + " (e.g. http://mirror/debian/ or file:///srv/debian/)");
            }
            return directory(uri);
        }
        if (configured.isPresent()) {
            return directory(configured.get());
        }
        return fromMachine(suite).orElseThrow(() -> new ConfigError("no archive for suite '" + suite
                + "': the task names none, bootc.executor.archive is not set, and no deb entry of this machine's"
                + " apt sources names the suite with component main"));
    }

    /**
     * The first deb entry of the machine's apt sources naming {@code suite} with component {@code main}.
     *
     * @throws ConfigError when the apt sources have a line apt refuses
     */
    public Optional<URI> fromMachine(String suite) {
        try {
            return host.debEntries().stream().filter(e -> e.serves(suite, "main")).map(AptSource::uri).findFirst();
        } catch (FileSyntaxException e) {
            throw new ConfigError("this machine's apt sources: " + e.getMessage());
        }
    }

    /**
     * The sha256 of {@code <archive>/dists/<suite>/InRelease} as the archive serves it now.
     *
     * @throws ArchiveUnreachable when it cannot be fetched
     */
    public String inReleaseSha256(URI archive, String suite) {
        URI uri = directory(archive).resolve("dists/" + suite + "/InRelease");
        Path target = scratch.resolve("InRelease-" + UUID.randomUUID());
        try {
            Files.createDirectories(scratch);
            return downloader.fetch(uri, target).sha256();
        } catch (IOException e) {
            throw new ArchiveUnreachable("archive " + archive + ": " + e.getMessage(), List.of(), e);
        } finally {
            try {
                Files.deleteIfExists(target);
            } catch (IOException e) {
                // scratch files are small; the next start's cleanup takes it
            }
        }
    }

    static URI directory(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? uri : URI.create(text + "/");
    }
}
