package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * Resolves the install closure of a package list with apt itself, the way
 * mmdebstrap does: a private apt configuration ({@code APT_CONFIG}) whose every
 * {@code Dir::} points into a throw-away root with an empty dpkg status, one
 * {@code deb} source for the snapshot's archive and suite, and the snapshot's
 * verified indices placed in its {@code lists/} directory. Then
 * {@code apt-get install --simulate} tells which packages it would install.
 *
 * <p>The indices are placed rather than fetched by {@code apt-get update}: they were
 * verified against the signed Release already, they sit in the cache under their
 * hash, and so apt resolves against exactly the files the snapshot pinned, with no
 * second download and no network at all. They are placed decompressed because apt
 * seeks in them, and seeking in a compressed list means inflating it from the start
 * each time (a gzip list made one resolution seven times slower). The list file
 * names come from apt ({@code apt-get update --print-uris}, which fetches nothing),
 * so they follow apt's own naming rules.
 */
public final class AptResolver {

    private static final Logger LOG = Logger.getLogger(AptResolver.class);

    /** Debian Policy §5.6.1; anything else could be an option or an apt pattern. */
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern INST = Pattern.compile(
            "^Inst (\\S+) (?:\\[[^\\]]*\\] )?\\((\\S+) (?:.*?)\\[([^\\]\\s]+)\\]\\)");
    private static final Pattern PRINT_URI = Pattern.compile("^'([^']+)' (\\S+) ");
    private static final Pattern UNABLE_TO_LOCATE = Pattern.compile("^E: Unable to locate package (\\S+)");
    private static final String UNMET = "The following packages have unmet dependencies:";

    private final ProcessRunner tools;
    private final Path workDir;
    private final BaseVariant base;

    /**
     * @param workDir where the private apt roots are made (and removed again)
     * @param base what the root holds besides the listed packages
     */
    public AptResolver(ProcessRunner tools, Path workDir, BaseVariant base) {
        this.tools = tools;
        this.workDir = workDir;
        this.base = base;
    }

    public BaseVariant base() {
        return base;
    }

    /**
     * @return every package apt would install into an empty root, sorted by name
     * @throws ArchiveException.UnknownPackages when apt cannot locate a listed package
     * @throws ArchiveException.UnmetDependencies when no installable set exists, quoting apt
     * @throws ArchiveException.ResolverFailed for any other apt failure, quoting apt
     */
    public List<PackageId> resolve(ArchiveSnapshot snapshot, String architecture, List<String> packages) {
        List<String> invalid = packages.stream().filter(p -> !PACKAGE_NAME.matcher(p).matches()).toList();
        if (!invalid.isEmpty()) {
            throw new ArchiveException.UnknownPackages(architecture, invalid,
                    invalid.stream().map(p -> "'" + p + "' is not a Debian package name").toList());
        }
        List<IndexFile> lists = snapshot.packages(architecture);
        if (lists.isEmpty()) {
            throw new IllegalArgumentException("the snapshot holds no Packages index for " + architecture);
        }
        Path root = null;
        try {
            Files.createDirectories(workDir);
            root = Files.createTempDirectory(workDir, "apt-" + architecture + "-");
            Map<String, String> env = prepare(root, snapshot, architecture, lists);
            place(root, snapshot, lists, env, architecture);
            List<String> argv = new ArrayList<>(List.of("apt-get", "install", "--simulate",
                    "--no-install-recommends", "--quiet"));
            argv.addAll(packages);
            argv.addAll(base.aptPatterns());
            long started = System.nanoTime();
            CommandResult result = tools.run(Command.of(argv).withEnvironment(env).capturingStdout()
                    .acceptingExitCodes(0, 100));
            if (result.exitCode() != 0) {
                throw failure(architecture, result);
            }
            List<PackageId> resolved = parse(result.stdoutText());
            LOG.infof("%s %s %s: %d packages resolve to %d (%s base) in %d ms", snapshot.archive(),
                    snapshot.suite(), architecture, packages.size(), resolved.size(), base.mmdebstrapVariant(),
                    (System.nanoTime() - started) / 1_000_000);
            return resolved;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a private apt root in " + workDir, e);
        } catch (CommandFailedException e) {
            throw new ArchiveException.ResolverFailed(architecture, e.getMessage(), e);
        } finally {
            IndexCache.deleteTree(root);
        }
    }

    /** Writes the private configuration; returns the environment that makes apt read only it. */
    private Map<String, String> prepare(Path root, ArchiveSnapshot snapshot, String architecture,
            List<IndexFile> lists) throws IOException {
        for (String dir : List.of("etc/apt/apt.conf.d", "etc/apt/preferences.d", "etc/apt/sources.list.d",
                "etc/apt/trusted.gpg.d", "var/lib/apt/lists/partial", "var/cache/apt/archives/partial",
                "var/lib/dpkg", "var/log/apt")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        List<String> components = lists.stream().map(f -> f.path().substring(0, f.path().indexOf('/')))
                .distinct().toList();
        List<String> keyrings = snapshot.keyrings().stream().map(k -> k.toAbsolutePath().toString()).toList();
        Files.writeString(root.resolve("etc/apt/sources.list"), "deb [arch=" + architecture + " signed-by="
                + String.join(",", keyrings) + "] " + ArchiveUris.display(snapshot.archive().uri()) + " "
                + snapshot.suite() + " " + String.join(" ", components) + "\n");
        Path conf = root.resolve("etc/apt/apt.conf");
        Files.writeString(conf, aptConf(root, architecture, keyrings.get(0)));
        return Map.of("APT_CONFIG", conf.toString(), "LC_ALL", "C.UTF-8", "LANGUAGE", "");
    }

    /** The whole configuration apt sees: nothing of the machine's {@code /etc/apt} is read. */
    static String aptConf(Path root, String architecture, String keyring) {
        StringBuilder conf = new StringBuilder();
        option(conf, "Dir::State", root.resolve("var/lib/apt"));
        option(conf, "Dir::State::status", root.resolve("var/lib/dpkg/status"));
        option(conf, "Dir::Cache", root.resolve("var/cache/apt"));
        // an in-memory cache: writing 70 MB of pkgcache.bin for one resolution buys nothing
        option(conf, "Dir::Cache::pkgcache", "");
        option(conf, "Dir::Cache::srcpkgcache", "");
        option(conf, "Dir::Etc", root.resolve("etc/apt"));
        option(conf, "Dir::Etc::main", "/dev/null");
        option(conf, "Dir::Etc::parts", root.resolve("etc/apt/apt.conf.d"));
        option(conf, "Dir::Etc::SourceList", root.resolve("etc/apt/sources.list"));
        option(conf, "Dir::Etc::SourceParts", root.resolve("etc/apt/sources.list.d"));
        option(conf, "Dir::Etc::Preferences", root.resolve("etc/apt/preferences"));
        option(conf, "Dir::Etc::PreferencesParts", root.resolve("etc/apt/preferences.d"));
        option(conf, "Dir::Etc::Trusted", keyring);
        option(conf, "Dir::Etc::TrustedParts", root.resolve("etc/apt/trusted.gpg.d"));
        option(conf, "Dir::Log", root.resolve("var/log/apt"));
        option(conf, "APT::Architecture", architecture);
        conf.append("APT::Architectures { \"").append(quotable(architecture)).append("\"; };\n");
        option(conf, "APT::Install-Recommends", "false");
        option(conf, "APT::Install-Suggests", "false");
        conf.append("Acquire::Languages { \"none\"; };\n");
        option(conf, "Debug::NoLocking", "true");
        return conf.toString();
    }

    private static void option(StringBuilder conf, String key, Object value) {
        conf.append(key).append(" \"").append(quotable(value.toString())).append("\";\n");
    }

    private static String quotable(String value) {
        if (value.contains("\"") || value.contains("\n")) {
            throw new IllegalArgumentException("apt.conf cannot quote " + value);
        }
        return value;
    }

    /** Links the snapshot's InRelease and Packages into lists/ under the names apt expects. */
    private void place(Path root, ArchiveSnapshot snapshot, List<IndexFile> lists, Map<String, String> env,
            String architecture) throws IOException {
        CommandResult uris = tools.run(Command.of("apt-get", "update", "--print-uris", "--quiet")
                .withEnvironment(env).capturingStdout());
        Map<String, String> names = new HashMap<>();
        for (String line : uris.stdoutText().split("\n")) {
            Matcher m = PRINT_URI.matcher(line);
            if (m.find()) {
                names.put(m.group(1), m.group(2));
            }
        }
        Path dir = root.resolve("var/lib/apt/lists");
        // apt prints URIs its own way (file:/x for file:///x, decoded); with one source a suffix is unambiguous
        String dists = "/dists/" + snapshot.suite() + "/";
        link(dir, name(names, dists + "InRelease", architecture), snapshot.inRelease());
        for (IndexFile list : lists) {
            link(dir, name(names, dists + list.path(), architecture), list.file());
        }
    }

    /** apt prints an index's URI with the compression it would fetch; the list file name has none. */
    private static String name(Map<String, String> names, String suffix, String architecture) {
        for (Map.Entry<String, String> e : names.entrySet()) {
            String printed = e.getKey();
            int at = printed.lastIndexOf(suffix);
            if (at >= 0 && printed.substring(at + suffix.length()).matches("(\\.\\w+)?")) {
                return e.getValue();
            }
        }
        throw new ArchiveException.ResolverFailed(architecture,
                "apt names no list file for ..." + suffix + " (it printed " + names.keySet() + ")", null);
    }

    private static void link(Path dir, String name, Path target) throws IOException {
        if (name.contains("/")) {
            throw new IllegalStateException("apt named a list file '" + name + "'");
        }
        Files.createSymbolicLink(dir.resolve(name), target.toAbsolutePath());
    }

    static List<PackageId> parse(String aptOutput) {
        List<PackageId> resolved = new ArrayList<>();
        for (String line : aptOutput.split("\n")) {
            Matcher m = INST.matcher(line);
            if (m.find()) {
                String name = m.group(1);
                int colon = name.indexOf(':');
                resolved.add(new PackageId(colon < 0 ? name : name.substring(0, colon), m.group(2), m.group(3)));
            }
        }
        resolved.sort(PackageId.ORDER);
        return List.copyOf(resolved);
    }

    /** Turns apt's exit status 100 into the failure its output describes. */
    static ArchiveException failure(String architecture, CommandResult result) {
        List<String> errors = result.output().lines().filter(l -> l.startsWith("E: ")).toList();
        List<String> unknown = new ArrayList<>();
        for (String line : errors) {
            Matcher m = UNABLE_TO_LOCATE.matcher(line);
            if (m.find()) {
                unknown.add(m.group(1));
            }
        }
        if (!unknown.isEmpty()) {
            return new ArchiveException.UnknownPackages(architecture, unknown, errors);
        }
        List<String> out = result.stdoutText().lines().toList();
        int unmet = out.indexOf(UNMET);
        if (unmet >= 0) {
            List<String> block = new ArrayList<>(out.subList(unmet, out.size()).stream()
                    .filter(l -> !l.isBlank()).toList());
            block.addAll(errors);
            return new ArchiveException.UnmetDependencies(architecture, block);
        }
        List<String> said = new ArrayList<>(out.stream().filter(l -> !l.isBlank()
                && !l.startsWith("Reading package lists") && !l.startsWith("Building dependency tree")
                && !l.startsWith("Reading state information")).toList());
        said.addAll(errors.isEmpty() ? CommandFailedException.lastLines(result.output(), ProcessRunner.QUOTED_LINES)
                : errors);
        return new ArchiveException.ResolverFailed(architecture, "\n  " + String.join("\n  ", said), null);
    }
}
