package org.debian.bootc.debian.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.LogSink;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * The mount points of this process's mount namespace, read from {@code /proc/self/mountinfo}:
 * what a program killed mid-run (mmdebstrap, a buildroot's holder) can leave mounted inside a
 * directory a service is about to delete or reuse.
 */
public final class Mounts {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private Mounts() {
    }

    /** Mount points strictly below {@code dir}, deepest first. */
    public static List<String> below(Path dir) {
        try {
            return below(Files.readAllLines(MOUNTINFO), dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
        }
    }

    /** Mount points strictly below {@code dir} in the given mountinfo lines, deepest first. */
    static List<String> below(List<String> mountinfo, Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        List<String> mounts = new ArrayList<>();
        for (String line : mountinfo) {
            String[] fields = line.split(" ");
            if (fields.length > 4) {
                String point = unescape(fields[4]);
                if (point.startsWith(prefix)) {
                    mounts.add(point);
                }
            }
        }
        mounts.sort((a, b) -> b.length() - a.length());
        return mounts;
    }

    /**
     * Detaches (lazily unmounts) every mount point below {@code dir}, deepest first.
     *
     * @return the mount points detached
     * @throws org.debian.bootc.debian.process.CommandFailedException when one cannot be unmounted; the caller must not then delete {@code dir}
     */
    public static List<String> detachBelow(Path dir, ProcessRunner runner) {
        List<String> detached = new ArrayList<>();
        for (String mount : below(dir)) {
            runner.run(Command.of("umount", "--lazy", mount).withTimeout(Duration.ofSeconds(30)), LogSink.NONE);
            detached.add(mount);
        }
        return detached;
    }

    /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
    static String unescape(String field) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                sb.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
