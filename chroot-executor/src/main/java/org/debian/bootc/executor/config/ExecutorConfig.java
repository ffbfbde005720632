package org.debian.bootc.executor.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of a chroot executor. */
@ConfigMapping(prefix = "bootc.executor")
public interface ExecutorConfig {

    /** The Debian architecture this executor builds for; it reads {@code build-tasks.<architecture>}. */
    @WithDefault("amd64")
    String architecture();

    /**
     * This executor's id in heartbeats and results, and its consumer group on
     * {@code build-cancellations}; defaults to the host name. Unique per process.
     */
    Optional<String> id();

    /** Builds run side by side (default 1 on 2 cores). */
    @WithDefault("1")
    int slots();

    /** How often this executor says it is alive on {@code executor-heartbeat}. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** The CloudEvents {@code ce_source} this service writes on every event it publishes. */
    @WithDefault("/chroot-executor")
    String eventSource();

    /** Largest event payload accepted, in bytes; a bigger one goes to the topic's {@code .dlq} unread. */
    @WithDefault("524288")
    int maxPayloadBytes();

    /**
     * Where bases, buildroots, the apt cache, the artifact store and logs live. Bases
     * and the apt cache may be shared by executors on one machine; buildroots are kept
     * per executor id.
     */
    @WithDefault("/var/lib/deb-bootc-compose/executor")
    Path stateDir();

    /**
     * The archive root used when a task names none (tasks always do since the
     * contract's {@code archive} field); without it, the machine's apt sources.
     */
    Optional<URI> archive();

    /** Installed in every base chroot beside mmdebstrap's buildd variant. */
    @WithDefault("fakeroot")
    List<String> baseExtraPackages();

    /** uid and gid of the unprivileged {@code builder} account the build step runs as. */
    @WithDefault("2000")
    int builderUid();

    /** From task received to results stored; past it the build's whole PID namespace is killed. */
    @WithDefault("2h")
    Duration buildTimeout();

    /**
     * Memory one build may use, all its processes together (its cgroup's limit; root mode): past it
     * the kernel's OOM killer ends a process, and the build is killed and fails naming the limit.
     */
    @WithDefault("8G")
    MemorySize buildMemoryLimit();

    /** Processes (and threads) one build may have at once (its cgroup's {@code pids.max}; root mode). */
    @WithDefault("4096")
    long buildProcessLimit();

    /**
     * Disk one build may fill: what it wrote into its buildroot's writable layer and {@code /build},
     * measured every {@link #limitCheckInterval()}; past it the build is killed and fails naming the limit.
     */
    @WithDefault("40G")
    MemorySize buildDiskLimit();

    /** How often a running build's memory, process and disk use are checked against its limits. */
    @WithDefault("5s")
    Duration limitCheckInterval();

    /** How long making one base chroot may take. */
    @WithDefault("30m")
    Duration mmdebstrapTimeout();

    /** Base chroots unused for longer than this are evicted. */
    @WithDefault("14d")
    Duration cacheMaxAge();

    /** The base chroot cache is trimmed, least recently used first, to this many bytes. */
    @WithDefault("21474836480")
    long cacheMaxBytes();

    /**
     * Build-deps layers kept per base chroot: what apt installed for a build, reused by the
     * next build on that base with the same build relations, build type and profile (mock's
     * root_cache per package set); least recently used dropped first. 0 turns them off.
     * Builds that see a compose repository or extra repositories never use one.
     */
    @WithDefault("8")
    int buildDepsLayersPerBase();

    /** How often the base chroot cache is trimmed. */
    @WithDefault("1h")
    Duration cacheEvictionInterval();

    /** How many of the log's last lines {@code package-built} carries as {@code logTail}. */
    @WithDefault("30")
    int logTailLines();

    /**
     * On shutdown (SIGTERM), how long the executor waits for its interrupted builds to
     * clean up (namespace killed, buildroot unmounted and removed) and report
     * {@code package-built}; past it, every program they still run is killed and the
     * executor stops anyway. Keep it well under Kubernetes' terminationGracePeriodSeconds.
     */
    @WithDefault("30s")
    Duration shutdownGrace();
}
