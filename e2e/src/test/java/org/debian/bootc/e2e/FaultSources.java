package org.debian.bootc.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Small real source packages for the fault test: "3.0 (native)", {@code Architecture: all}, packed by
 * dpkg-source, built by dpkg-buildpackage in the executor's chroots. Package {@code i} build-depends on
 * packages {@code i/2} and {@code i-1} (for {@code i >= 2}), so the scheduler has a dependency graph to
 * gate and the executor installs the compose's own packages from its local repository. Reproducible,
 * as Debian's packages mostly are: the changelog date (SOURCE_DATE_EPOCH, to which dpkg-deb clamps
 * file times) lies before the build, so building one again gives the same bytes.
 */
final class FaultSources {

    /** One packed source package: its .dsc and the tarball it lists. */
    record Source(String name, Path dsc, Path tarball, List<String> buildDepends) {
    }

    private FaultSources() {
    }

    static String name(int i) {
        return String.format("bootc-fault-%02d", i);
    }

    static List<String> buildDepends(int i) {
        if (i < 2) {
            return List.of();
        }
        return i / 2 == i - 1 ? List.of(name(i - 1)) : List.of(name(i / 2), name(i - 1));
    }

    static List<Source> make(Path dir, int count) throws Exception {
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sources.add(pack(dir, i));
        }
        return sources;
    }

    private static Source pack(Path dir, int i) throws Exception {
        String name = name(i);
        List<String> deps = buildDepends(i);
        Path tree = dir.resolve(name + "-1.0");
        Files.createDirectories(tree.resolve("debian/source"));
        Files.writeString(tree.resolve("debian/source/format"), "3.0 (native)\n");
        Files.writeString(tree.resolve("debian/control"), "Source: " + name + "\nSection: misc\nPriority: optional\n"
                + "Maintainer: deb-bootc-compose tests <faults@localhost>\n"
                + (deps.isEmpty() ? "" : "Build-Depends: " + String.join(", ", deps) + "\n")
                + "Standards-Version: 4.6.2\nRules-Requires-Root: no\n\n"
                + "Package: " + name + "\nArchitecture: all\nDescription: fault-test package " + i + "\n"
                + " Built by the fault test of deb-bootc-compose.\n");
        Files.writeString(tree.resolve("debian/changelog"), name + " (1.0) unstable; urgency=medium\n\n"
                + "  * Fault-test package.\n\n -- deb-bootc-compose tests <faults@localhost>  Wed, 18 Nov 2026"
                + " 12:00:00 +0000\n");
        // the build checks that each build-dependency is installed (from the compose's repository)
        StringBuilder rules = new StringBuilder("#!/usr/bin/make -f\n\nbuild build-arch build-indep:\n");
        for (String dep : deps) {
            rules.append("\ttest -f /usr/share/doc/").append(dep).append("/built-by\n");
        }
        rules.append("\nbinary binary-arch binary-indep: build-indep\n")
                .append("\tmkdir -p debian/tmp/DEBIAN debian/tmp/usr/share/doc/").append(name).append('\n')
                .append("\techo ").append(name).append(" > debian/tmp/usr/share/doc/").append(name).append("/built-by\n")
                .append("\tdpkg-gencontrol -p").append(name).append(" -Pdebian/tmp\n")
                .append("\tdpkg-deb --root-owner-group --build debian/tmp ..\n")
                .append("\nclean:\n\trm -rf debian/tmp debian/files\n");
        Path rulesFile = tree.resolve("debian/rules");
        Files.writeString(rulesFile, rules);
        Files.setPosixFilePermissions(rulesFile, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder("dpkg-source", "-b", tree.getFileName().toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("dpkg-source -b " + name + " failed:\n" + out);
        }
        return new Source(name, dir.resolve(name + "_1.0.dsc"), dir.resolve(name + "_1.0.tar.xz"), deps);
    }

    /** The manifest's {@code rebuild:} entries for the sources, by file: URI with sha256 and size. */
    static String rebuildYaml(List<Source> sources) throws IOException {
        StringBuilder yaml = new StringBuilder("rebuild:\n");
        for (Source s : sources) {
            yaml.append("  - dsc:\n")
                    .append("      location: ").append(s.dsc().toUri()).append('\n')
                    .append("      sha256: ").append(Host.sha256(s.dsc())).append('\n')
                    .append("      files:\n")
                    .append("        - name: ").append(s.tarball().getFileName()).append('\n')
                    .append("          location: ").append(s.tarball().toUri()).append('\n')
                    .append("          sha256: ").append(Host.sha256(s.tarball())).append('\n')
                    .append("          size: ").append(Files.size(s.tarball())).append('\n');
        }
        return yaml.toString();
    }
}
