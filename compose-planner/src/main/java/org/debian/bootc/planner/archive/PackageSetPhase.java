package org.debian.bootc.planner.archive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.PackageId;

/**
 * The package-set phase of a plan (Pungi's pkgset and gather): find the archive
 * for the suite, snapshot it (verified InRelease, Packages per architecture,
 * Sources), and resolve the package list per architecture with apt.
 */
public final class PackageSetPhase {

    private static final Logger LOG = Logger.getLogger(PackageSetPhase.class);

    /** The phase's output: the package set for the metadata, and the snapshot later phases read. */
    public record Result(PackageSet packageSet, ArchiveSnapshot snapshot) {
    }

    private final ArchiveLocation location;
    private final ArchiveClient client;
    private final AptResolver resolver;

    public PackageSetPhase(ArchiveLocation location, ArchiveClient client, AptResolver resolver) {
        this.location = location;
        this.client = client;
        this.resolver = resolver;
    }

    public Result run(String suite, List<String> architectures, List<String> packages) {
        long started = System.nanoTime();
        Archive archive = location.forSuite(suite);
        ArchiveSnapshot snapshot = client.snapshot(archive, suite, IndexSelection.main(architectures));
        Map<String, List<PackageId>> resolved = new LinkedHashMap<>();
        for (String architecture : architectures) {
            resolved.put(architecture, resolver.resolve(snapshot, architecture, packages));
        }
        PackageSet set = new PackageSet(archive.uri(), suite, snapshot.release().codename(),
                snapshot.release().inReleaseSha256(), snapshot.release().date(), resolver.base().mmdebstrapVariant(),
                resolved);
        LOG.infof("package set of %s %s %s: %d request(s), %d bytes fetched, %d ms", archive, suite, architectures,
                snapshot.downloads().size(), snapshot.bytesDownloaded(), (System.nanoTime() - started) / 1_000_000);
        return new Result(set, snapshot);
    }
}
