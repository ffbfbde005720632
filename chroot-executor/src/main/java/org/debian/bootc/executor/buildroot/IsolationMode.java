package org.debian.bootc.executor.buildroot;

/**
 * How the executor gets the privileges a buildroot needs (see the module README).
 * {@code ROOT}: the service runs as root; mounts and namespaces are made directly.
 * {@code UNPRIVILEGED}: an ordinary user with subuid/subgid ranges; namespaces come
 * from a user namespace, as {@code mmdebstrap --mode=unshare} and sbuild's unshare
 * backend make them.
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
