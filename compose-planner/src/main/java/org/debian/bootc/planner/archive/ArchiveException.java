package org.debian.bootc.planner.archive;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.debian.bootc.debian.FileSyntaxException;

/**
 * Everything that can go wrong between the apt configuration and a resolved package
 * set. Each kind has a stable {@link #code()} so callers can map it to a manifest
 * violation without parsing messages.
 */
public abstract sealed class ArchiveException extends RuntimeException
        permits ArchiveException.NoArchiveConfigured, ArchiveException.SuiteNotServed,
        ArchiveException.FetchFailed, ArchiveException.SignatureInvalid, ArchiveException.HashMismatch,
        ArchiveException.ReleaseInvalid, ArchiveException.IndexNotListed, ArchiveException.MalformedIndex,
        ArchiveException.UnknownPackages, ArchiveException.UnmetDependencies, ArchiveException.ResolverFailed {

    private final String code;

    ArchiveException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A short, stable name for the kind of failure, e.g. {@code signature-invalid}. */
    public String code() {
        return code;
    }

    /** No apt source and no configured mirror serves the suite. */
    public static final class NoArchiveConfigured extends ArchiveException {
        private final String suite;

        public NoArchiveConfigured(String suite, String why) {
            super("archive-not-configured", "no archive for suite '" + suite + "': " + why, null);
            this.suite = suite;
        }

        public String suite() {
            return suite;
        }
    }

    /** The archive answered 404 for the suite's InRelease. */
    public static final class SuiteNotServed extends ArchiveException {
        private final String suite;
        private final URI archive;

        public SuiteNotServed(String suite, URI archive) {
            super("suite-not-served", "suite '" + suite + "' is not served by " + ArchiveUris.display(archive), null);
            this.suite = suite;
            this.archive = archive;
        }

        public String suite() {
            return suite;
        }

        public URI archive() {
            return archive;
        }
    }

    /** A transfer failed: an HTTP status other than success, or an I/O error. */
    public static final class FetchFailed extends ArchiveException {
        private final URI uri;

        public FetchFailed(URI uri, String detail, Throwable cause) {
            super("fetch-failed", "cannot fetch " + uri + ": " + detail, cause);
            this.uri = uri;
        }

        public URI uri() {
            return uri;
        }
    }

    /** gpgv did not accept the InRelease signature; the message quotes gpgv. */
    public static final class SignatureInvalid extends ArchiveException {
        private final URI uri;
        private final List<String> gpgv;

        public SignatureInvalid(URI uri, List<Path> keyrings, String reason, List<String> gpgv) {
            super("signature-invalid", "signature of " + uri + " is not valid against " + keyrings + ": " + reason
                    + (gpgv.isEmpty() ? "" : "\n  gpgv: " + String.join("\n  gpgv: ", gpgv)), null);
            this.uri = uri;
            this.gpgv = List.copyOf(gpgv);
        }

        public URI uri() {
            return uri;
        }

        /** What gpgv printed, line by line. */
        public List<String> gpgv() {
            return gpgv;
        }
    }

    /** A file's size or sha256 differs from what the signed Release lists (or the cache recorded). */
    public static final class HashMismatch extends ArchiveException {
        private final String expectedSha256;
        private final String actualSha256;

        /** @param what the file, usually its URI */
        public HashMismatch(String what, String expectedSha256, long expectedSize, String actualSha256,
                long actualSize) {
            super("hash-mismatch", "hash mismatch for " + what + ": expected sha256 " + expectedSha256 + " ("
                    + expectedSize + " bytes), got " + actualSha256 + " (" + actualSize + " bytes)", null);
            this.expectedSha256 = expectedSha256;
            this.actualSha256 = actualSha256;
        }

        public String expectedSha256() {
            return expectedSha256;
        }

        public String actualSha256() {
            return actualSha256;
        }
    }

    /** The signed Release is unusable: a required field is missing, it names another suite, or it expired. */
    public static final class ReleaseInvalid extends ArchiveException {
        public ReleaseInvalid(URI uri, String reason) {
            super("release-invalid", "Release file " + uri + " is not usable: " + reason, null);
        }
    }

    /** The Release file does not list an index we need, e.g. an architecture the suite does not carry. */
    public static final class IndexNotListed extends ArchiveException {
        private final String path;

        public IndexNotListed(String suite, URI archive, String path, String detail) {
            super("index-not-listed", "suite '" + suite + "' of " + ArchiveUris.display(archive) + " has no " + path + " index"
                    + (detail.isEmpty() ? "" : " (" + detail + ")"), null);
            this.path = path;
        }

        public String path() {
            return path;
        }
    }

    /** An index or apt source file does not follow the deb822 syntax. */
    public static final class MalformedIndex extends ArchiveException {
        public MalformedIndex(String source, long line, String reason) {
            super("index-malformed", source + ":" + line + ": " + reason, null);
        }

        /** The planner's failure for a line the shared Debian readers refuse. */
        public MalformedIndex(FileSyntaxException e) {
            super("index-malformed", e.getMessage(), e);
        }
    }

    /** apt does not know one or more of the requested packages. */
    public static final class UnknownPackages extends ArchiveException {
        private final List<String> packages;

        public UnknownPackages(String architecture, List<String> packages, List<String> aptLines) {
            super("unknown-package", "unknown package(s) on " + architecture + ": " + String.join(", ", packages)
                    + "\n  " + String.join("\n  ", aptLines), null);
            this.packages = List.copyOf(packages);
        }

        public List<String> packages() {
            return packages;
        }
    }

    /** apt cannot find an installable set; the message is apt's own explanation. */
    public static final class UnmetDependencies extends ArchiveException {
        private final List<String> aptLines;

        public UnmetDependencies(String architecture, List<String> aptLines) {
            super("unmet-dependencies", "the package list cannot be installed on " + architecture + ":\n  "
                    + String.join("\n  ", aptLines), null);
            this.aptLines = List.copyOf(aptLines);
        }

        /** apt's "The following packages have unmet dependencies" block and its error lines. */
        public List<String> aptLines() {
            return aptLines;
        }
    }

    /** apt failed for another reason (e.g. a virtual package with several providers); quotes apt. */
    public static final class ResolverFailed extends ArchiveException {
        public ResolverFailed(String architecture, String reason, Throwable cause) {
            super("resolver-failed", "apt could not resolve the package list on " + architecture + ": " + reason,
                    cause);
        }
    }
}
