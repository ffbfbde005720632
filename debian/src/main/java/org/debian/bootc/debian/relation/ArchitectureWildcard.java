package org.debian.bootc.debian.relation;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a Debian architecture name or wildcard (as in {@code Architecture:} and in
 * {@code [linux-any !hurd-any]} restrictions) matches a concrete architecture.
 *
 * <p>A concrete name is split into operating system and CPU the way dpkg's tuple table does
 * for the ports people build: a bare name ({@code amd64}, {@code armhf}) is Linux, a prefixed
 * one ({@code hurd-amd64}, {@code kfreebsd-i386}) names its system. Wildcards are {@code any},
 * {@code <os>-any} and {@code any-<cpu>}. dpkg's full four-part tuples (ABI and libc) are not
 * modelled: no archive this project reads uses them in restrictions.
 */
public final class ArchitectureWildcard {

    /** Debian architecture names and wildcards: lower-case letters, digits and '-'. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** Architectures whose CPU name differs from the architecture name (dpkg's cputable and tupletable). */
    private static final Map<String, String> CPU = Map.of(
            "armel", "arm",
            "armhf", "arm",
            "x32", "amd64",
            "powerpcspe", "powerpc");

    private ArchitectureWildcard() {
    }

    public static boolean matches(String pattern, String architecture) {
        if (pattern.equals(architecture) || pattern.equals("any")) {
            return true;
        }
        int dash = pattern.indexOf('-');
        if (dash < 0) {
            return false;
        }
        String patternOs = pattern.substring(0, dash);
        String patternCpu = pattern.substring(dash + 1);
        return (patternOs.equals("any") || patternOs.equals(os(architecture)))
                && (patternCpu.equals("any") || patternCpu.equals(cpu(architecture)));
    }

    public static String os(String architecture) {
        int dash = architecture.indexOf('-');
        return dash < 0 ? "linux" : architecture.substring(0, dash);
    }

    public static String cpu(String architecture) {
        int dash = architecture.indexOf('-');
        String cpu = dash < 0 ? architecture : architecture.substring(dash + 1);
        return CPU.getOrDefault(cpu, cpu);
    }
}
