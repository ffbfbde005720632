package org.debian.bootc.planner.archive;

import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.debian.bootc.debian.release.Release;

/**
 * A suite's verified InRelease and the indices fetched against it: everything a
 * plan reads from the archive, pinned by hash.
 *
 * @param archive the archive it came from
 * @param suite the suite as asked for, e.g. {@code bookworm}
 * @param release the signed Release fields
 * @param inRelease the InRelease file as fetched, in the cache
 * @param keyrings the binary keyrings its signature was checked against
 * @param indices by path below {@code dists/<suite>/}, e.g. {@code main/binary-amd64/Packages}
 * @param downloads the requests this snapshot made; one (InRelease) when the cache held everything else
 */
public record ArchiveSnapshot(Archive archive, String suite, Release release, Path inRelease, List<Path> keyrings,
        Map<String, IndexFile> indices, List<Download> downloads) {

    public ArchiveSnapshot {
        keyrings = List.copyOf(keyrings);
        indices = Collections.unmodifiableMap(new LinkedHashMap<>(indices));
        downloads = List.copyOf(downloads);
    }

    public URI inReleaseUri() {
        return archive.uri().resolve("dists/" + suite + "/InRelease");
    }

    /** The Packages indices of one architecture, every component, with binary-all when the archive splits it out. */
    public List<IndexFile> packages(String architecture) {
        return indices.values().stream()
                .filter(f -> f.path().endsWith("/binary-" + architecture + "/Packages")
                        || f.path().endsWith("/binary-all/Packages"))
                .toList();
    }

    public List<IndexFile> sources() {
        return indices.values().stream().filter(f -> f.path().endsWith("/source/Sources")).toList();
    }

    public long bytesDownloaded() {
        return downloads.stream().mapToLong(Download::bytes).sum();
    }
}
