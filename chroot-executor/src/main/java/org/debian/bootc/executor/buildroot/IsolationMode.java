package org.debian.bootc.executor.buildroot;

/**
 * Whether the executor runs as root (see the module README). Either way buildroots live
 * in a user namespace of the user's subordinate ids, as {@code mmdebstrap --mode=unshare}
 * and sbuild's unshare backend make them, and package code runs in the bubblewrap sandbox.
 * {@code ROOT}: the service runs as root; it may also put each build in cgroups of its own
 * (memory and process limits) and removes subordinate-owned trees directly.
 * {@code UNPRIVILEGED}: an ordinary user with subuid/subgid ranges; trees owned by
 * subordinate ids are removed from inside a user namespace, and builds get no cgroup limits.
 */
public enum IsolationMode {
    ROOT,
    UNPRIVILEGED;

    /** ROOT when this process runs as uid 0. */
    public static IsolationMode ofThisProcess() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).intValue() == 0 ? ROOT : UNPRIVILEGED;
        } catch (java.io.IOException e) {
            return "root".equals(System.getProperty("user.name")) ? ROOT : UNPRIVILEGED;
        }
    }
}
