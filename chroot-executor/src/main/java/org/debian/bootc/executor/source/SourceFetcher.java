package org.debian.bootc.executor.source;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.events.SourceFile;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.debian.http.Fetcher;
import org.debian.bootc.executor.failure.SourceError;

/**
 * Fetches a task's source package (the .dsc and the files it names) from the
 * absolute URIs the task carries, and checks each file's size and sha256 before
 * anything unpacks it. No {@code apt-get source}: the planner already chose the
 * exact files, and the machine's apt configuration need have no deb-src lines.
 */
public final class SourceFetcher {

    /** A file name that stays in its directory: no slash, not . or .. */
    private static final Pattern PLAIN_NAME = Pattern.compile("^(?!\\.\\.?$)[^/\\x00]+$");

    private final Fetcher downloader;

    public SourceFetcher(Fetcher downloader) {
        this.downloader = downloader;
    }

    /**
     * Fetches every file of {@code source} into {@code dir}.
     *
     * @return the .dsc in {@code dir}
     * @throws SourceError when a file cannot be fetched or does not match its size or sha256
     */
    public Path fetch(SourcePackage source, Path dir, LogSink log) {
        if (source.files().stream().noneMatch(f -> f.name().equals(source.dsc()))) {
            throw new SourceError("source.dsc '" + source.dsc() + "' is not among source.files "
                    + source.files().stream().map(SourceFile::name).toList());
        }
        for (SourceFile file : source.files()) {
            if (!PLAIN_NAME.matcher(file.name()).matches()) {
                throw new SourceError("source file name '" + file.name() + "' is not a plain file name");
            }
            URI uri;
            try {
                uri = new URI(file.location());
            } catch (URISyntaxException e) {
                throw new SourceError("source file " + file.name() + ": location '" + file.location()
                        + "' is not a URI: " + e.getReason());
            }
            if (!uri.isAbsolute()) {
                throw new SourceError("source file " + file.name() + ": location '" + file.location()
                        + "' is not an absolute URI");
            }
            Fetcher.Fetched fetched;
            try {
                Files.createDirectories(dir);
                // no more than the task says the file has: a server that sends more is cut off there
                fetched = downloader.fetch(uri, dir.resolve(file.name()), file.size());
            } catch (IOException e) {
                throw new SourceError("source file " + file.name() + ": " + e.getMessage(), List.of(), e);
            }
            if (fetched.size() != file.size() || !fetched.sha256().equals(file.sha256())) {
                throw new SourceError("source file " + file.name() + " from " + uri + " has " + fetched.size()
                        + " bytes with sha256 " + fetched.sha256() + ", the task says " + file.size()
                        + " bytes with sha256 " + file.sha256());
            }
            log.line("fetched " + file.name() + " (" + fetched.size() + " bytes, sha256 " + fetched.sha256() + ")");
        }
        return dir.resolve(source.dsc());
    }
}
