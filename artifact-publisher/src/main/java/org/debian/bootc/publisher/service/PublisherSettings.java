package org.debian.bootc.publisher.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.debian.bootc.publisher.apt.RepositorySigner;

/**
 * What the publisher needs besides the compose: where it keeps its repositories, the
 * apt signing key, and how it pushes. Built from {@code PublisherConfig} in the service,
 * by hand in tests and benches.
 *
 * @param dataDir holds {@code apt/<compose>}, {@code ostree/repo}, {@code oci/<repository>} and {@code work/}
 * @param archiveKeyring the keyring the archive is verified with (empty: mmdebstrap's default)
 * @param downloadCache keeps downloaded .debs between root file systems (empty: none)
 * @param push whether images go to their registry; otherwise they stay in the OCI layout
 * @param tlsVerify whether the registry must speak verified HTTPS
 * @param requireKernel whether a package set without a kernel is refused
 * @param sourceDateEpoch fixed SOURCE_DATE_EPOCH (empty: the archive InRelease's Date)
 * @param imageSource the {@code org.opencontainers.image.source} label
 * @param diskImagesKept how many sets of disk images of one ref are kept under {@code disk/} (the newest)
 */
public record PublisherSettings(Path dataDir, RepositorySigner signer, Optional<Path> archiveKeyring,
        Optional<Path> downloadCache, boolean push, boolean tlsVerify, int maxLayers, boolean requireKernel,
        Optional<Long> sourceDateEpoch, String imageSource, Duration toolTimeout, int diskImagesKept) {

    /** The default number of disk image sets kept per ref. */
    public static final int DISK_IMAGES_KEPT = 2;

    /** Settings keeping the default {@value #DISK_IMAGES_KEPT} disk image sets per ref. */
    public PublisherSettings(Path dataDir, RepositorySigner signer, Optional<Path> archiveKeyring,
            Optional<Path> downloadCache, boolean push, boolean tlsVerify, int maxLayers, boolean requireKernel,
            Optional<Long> sourceDateEpoch, String imageSource, Duration toolTimeout) {
        this(dataDir, signer, archiveKeyring, downloadCache, push, tlsVerify, maxLayers, requireKernel, sourceDateEpoch,
                imageSource, toolTimeout, DISK_IMAGES_KEPT);
    }
}
