package org.debian.bootc.executor.buildroot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.executor.failure.RootError;

/**
 * The user namespace of every buildroot: what {@code mmdebstrap --mode=unshare}
 * and sbuild's unshare backend set up, for an executor running as root or as an ordinary user.
 * Inside, ids {@code 0 … count-1} are the user's first subordinate range of
 * {@code /etc/subuid} (and {@code /etc/subgid}), as mmdebstrap maps them, so the base
 * it made (root = the first subordinate id) is root-owned inside and the
 * {@code builder} account is a subordinate id too; the executor's own uid and gid are
 * mapped to {@code count}, just above that range, so the namespace's root can also
 * write the directories the executor made (the buildroot's upper and build
 * directories) during set-up and clean-up. Programs start as uid 0 inside
 * ({@code --setuid 0}): root of the namespace, with every capability over what it maps
 * and none outside. Package code never runs in this namespace but in an inner one that
 * maps the subordinate ids alone ({@link Bubblewrap}).
 *
 * @param user the executor's account name
 * @param uid the executor's uid
 * @param gid the executor's gid
 * @param subuidStart first subordinate uid (inner uid 0)
 * @param subuidCount how many
 * @param subgidStart first subordinate gid (inner gid 0)
 * @param subgidCount how many
 */
public record UserNamespace(String user, long uid, long gid, long subuidStart, long subuidCount, long subgidStart,
        long subgidCount) {

    /**
     * The namespace for this process's user, from {@code /etc/subuid} and {@code /etc/subgid}.
     *
     * @param builderUid must be inside the subordinate ranges (it is the build step's uid inside)
     * @throws RootError naming the file, the user and what is missing
     */
    public static UserNamespace ofThisProcess(int builderUid) {
        try {
            long uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
            long gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
            return of(System.getProperty("user.name"), uid, gid, read(Path.of("/etc/subuid")),
                    read(Path.of("/etc/subgid")), builderUid);
        } catch (IOException e) {
            throw new RootError("cannot read this process's uid from /proc/self: " + e.getMessage(), List.of(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new RootError("cannot read " + file + ": " + e.getMessage(), List.of(), e);
        }
    }

    /**
     * The namespace from the text of {@code /etc/subuid} and {@code /etc/subgid}: the first
     * line naming the user (by name or uid) in each, as newuidmap and mmdebstrap take it.
     */
    static UserNamespace of(String user, long uid, long gid, String subuid, String subgid, int builderUid) {
        long[] u = range("/etc/subuid", subuid, user, uid);
        long[] g = range("/etc/subgid", subgid, user, uid);
        UserNamespace ns = new UserNamespace(user, uid, gid, u[0], u[1], g[0], g[1]);
        // the executor's own id is mapped at `count`; util-linux's unshare leaves out one id of the range
        // (its "hole"), so the builder must be below count - 1
        if (builderUid <= 0 || builderUid >= u[1] - 1 || builderUid >= g[1] - 1) {
            throw new RootError("bootc.executor.builder-uid " + builderUid + " is not inside user " + user
                    + "'s subordinate ranges (/etc/subuid: " + u[1] + " ids, /etc/subgid: " + g[1]
                    + " ids): the builder account must be a subordinate id between 1 and " + (Math.min(u[1], g[1]) - 2));
        }
        return ns;
    }

    private static long[] range(String file, String text, String user, long uid) {
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split(":");
            if (f.length != 3 || !(f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                if (start < 0 || count <= 0) {
                    throw new NumberFormatException("negative");
                }
                return new long[] {start, count};
            } catch (NumberFormatException e) {
                throw new RootError(file + " line " + lineNo + " '" + l + "' is not <user>:<first id>:<count>",
                        List.of(), e);
            }
        }
        throw new RootError("the build sandbox needs subordinate ids: " + file + " has no line for user " + user
                + " (uid " + uid + "); add one such as '" + user + ":100000:65536'");
    }

    /**
     * {@code unshare} options that make the user namespace (with {@code newuidmap} and
     * {@code newgidmap}) and start the program as its root; other namespace options follow.
     */
    public List<String> unshare() {
        return List.of("unshare", "--user",
                "--map-users=" + subuidStart + ",0," + subuidCount,
                "--map-groups=" + subgidStart + ",0," + subgidCount,
                "--map-user=" + subuidCount, "--map-group=" + subgidCount,
                "--setuid", "0", "--setgid", "0");
    }

    /**
     * Removes a tree made in the namespace (owned by subordinate ids, which this
     * user cannot remove from outside): {@code rm -rf} as the namespace's root.
     */
    public List<String> remove(Path tree) {
        List<String> argv = new ArrayList<>(unshare());
        argv.addAll(List.of("--", "rm", "-rf", "--one-file-system", "--", tree.toString()));
        return argv;
    }

    /**
     * Measures a tree made in the namespace (its 0700 directories are closed to this user
     * from outside): {@code du} as the namespace's root prints the apparent size in bytes.
     */
    public List<String> measure(Path tree) {
        List<String> argv = new ArrayList<>(unshare());
        argv.addAll(List.of("--", "du", "--summarize", "--bytes", "--one-file-system", "--", tree.toString()));
        return argv;
    }

    /** The host uid of an id inside the namespace. */
    public long hostUid(long inner) {
        return inner == subuidCount ? uid : subuidStart + inner;
    }
}
