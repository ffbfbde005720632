package org.debian.bootc.publisher.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the artifact publisher. */
@ConfigMapping(prefix = "bootc.publisher")
public interface PublisherConfig {

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/artifact-publisher")
    String eventSource();

    /** Largest event payload accepted, in bytes; a bigger one goes to the topic's {@code .dlq} unread. */
    @WithDefault("524288")
    int maxPayloadBytes();

    /**
     * Where the publisher keeps its state: {@code apt/<compose>} (each compose's apt repository),
     * {@code ostree/repo} (the archive-mode OSTree repository), {@code oci/<repository>} (the OCI
     * image layouts), {@code disk/<ref>/<key>} (disk images) and {@code work/} (root file systems and
     * sysroots while they are built).
     */
    @WithDefault("/var/lib/deb-bootc-compose/publisher")
    String dataDir();

    /** The GnuPG home holding the key the compose repositories are signed with. */
    Optional<String> signingGnupgHome();

    /** The id or fingerprint of that key. */
    Optional<String> signingKeyId();

    /** The keyring the archive's InRelease is verified with. */
    @WithDefault("/usr/share/keyrings/debian-archive-keyring.gpg")
    String archiveKeyring();

    /** A directory that keeps downloaded .debs between root file systems (unset: none). */
    Optional<String> downloadCache();

    /** Push images to the registry their target names; when false they stay in the OCI layout. */
    @WithDefault("false")
    boolean push();

    /** Require verified HTTPS from the registry; false for a registry on loopback over plain HTTP. */
    @WithDefault("true")
    boolean registryTlsVerify();

    /** Most layers an image has (bootc and ostree-ext chunk into at most 64). */
    @WithDefault("64")
    int maxLayers();

    /** Refuse a package set without a kernel (a bootc image boots one). */
    @WithDefault("true")
    boolean requireKernel();

    /** A fixed SOURCE_DATE_EPOCH; unset: the Date of the archive suite's InRelease. */
    Optional<Long> sourceDateEpoch();

    /** The {@code org.opencontainers.image.source} label of every image. */
    @WithDefault("urn:deb-bootc-compose")
    String imageSource();

    /**
     * How many sets of disk images of one ref are kept under {@code <data-dir>/disk/<ref>/} (the
     * most recently made or reused); older ones are removed after a new set is made.
     */
    @WithDefault("2")
    int diskImagesKept();

    /** Longest run of one tool (mmdebstrap, ostree commit, skopeo copy). */
    @WithDefault("60m")
    Duration toolTimeout();
}
