package org.debian.bootc.executor.service;

/**
 * The stages of one build attempt, in the order they run (debusine's external task:
 * fetch input, prepare the buildroot, run, check and upload the output, clean up).
 * A stage's {@link #label()} is both its banner in the build log ({@code [build took 612 ms]})
 * and the {@code stage} tag of {@link BuildMetrics#STAGE}, so a log and a dashboard name
 * the same step the same way; the benchmarks read the log by these labels.
 */
public enum BuildStage {

    /** The task's .dsc and the files it names, fetched and checked before a buildroot exists. */
    FETCH_SOURCE("fetch source"),
    /** The base chroot from the cache, or made by mmdebstrap. */
    BASE_CHROOT("base chroot"),
    /** The overlay over the base (and a build-deps layer), in its own namespaces. */
    BUILDROOT("buildroot"),
    /** The build dependencies: known, found in the chroot, or installed by apt. */
    BUILD_DEPS("build-deps"),
    /** What apt installed, kept as a layer for the next build with the same key. */
    BUILD_DEPS_LAYER("build-deps layer"),
    /** The installed packages listed and {@code chroot-ready} acknowledged. */
    CHROOT_READY("chroot-ready"),
    /** dpkg-buildpackage as the unprivileged builder, without network. */
    BUILD("build"),
    /** The results stored in the artifact store and added to the compose's apt repository. */
    RESULTS("results"),
    /** The buildroot's processes killed, its mounts dropped and its directories removed. */
    CLEAN_UP("clean up");

    private final String label;

    BuildStage(String label) {
        this.label = label;
    }

    /** How the build log and the metrics name the stage. */
    public String label() {
        return label;
    }
}
