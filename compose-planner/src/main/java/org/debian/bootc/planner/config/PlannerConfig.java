package org.debian.bootc.planner.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the compose planner. */
@ConfigMapping(prefix = "bootc.planner")
public interface PlannerConfig {

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/compose-planner")
    String eventSource();

    /** Where composes are resolved and planned from. */
    Archive archive();

    interface Archive {

        /**
         * A Debian archive root that serves every suite (e.g. a local mirror), used
         * instead of the machine's apt sources. Unset: the apt sources name the archive.
         */
        Optional<URI> mirror();

        /**
         * The keyring that verifies InRelease when the archive entry names none (a
         * configured mirror, or an apt entry without Signed-By).
         */
        @WithDefault("/usr/share/keyrings/debian-archive-keyring.gpg")
        Path keyring();

        /** Verified indices, kept by sha256 so an unchanged archive is not downloaded twice. */
        @WithDefault("${user.home}/.cache/deb-bootc-compose/planner/indices")
        Path cacheDir();

        /** Where the private apt roots of resolutions are made (and removed again). */
        @WithDefault("${java.io.tmpdir}/deb-bootc-compose-planner")
        Path workDir();

        /** The longest one request to the archive may take. */
        @WithDefault("60s")
        Duration requestTimeout();

        /** The longest one tool run (apt, gpgv) may take. */
        @WithDefault("5m")
        Duration toolTimeout();

        /**
         * How often a request from compose-requested is retried when the archive cannot
         * be reached, with backoff from 2 s to 60 s, before it goes to the dead-letter topic.
         */
        @WithDefault("4")
        int retries();
    }
}
