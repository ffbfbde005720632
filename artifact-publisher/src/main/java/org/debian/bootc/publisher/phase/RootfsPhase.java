package org.debian.bootc.publisher.phase;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import org.debian.bootc.debian.PackageId;
import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.events.AptRepository;
import org.debian.bootc.publisher.apt.BuiltPackagesAptRepository;
import org.debian.bootc.publisher.failure.Diagnosis;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.InputRejected;
import org.debian.bootc.publisher.failure.Stage;

/**
 * The root file system, as rpm-ostree's treecompose installs it: mmdebstrap with
 * exactly the resolved package set ({@code --variant=custom}, every package at its
 * exact version) from the archive plus the compose's own repository, which apt pins
 * above the archive so a rebuilt binary replaces the archive's. The image's apt
 * sources name the archive only: the built-packages apt repository is a build input, not
 * something a deployed system can reach.
 */
public final class RootfsPhase implements Phase {

    /** The tree in the OSTree layout: its kernel version, for the commit and the image. */
    public static final PublishContext.Key<OstreeLayout.Result> LAID_OUT = new PublishContext.Key<>("OSTree layout");

    /**
     * What a root file system is made from.
     *
     * @param architecture the Debian architecture of the image
     * @param archive the Debian archive the plan was resolved against (from the event or configuration)
     * @param suite the archive's suite, e.g. {@code bookworm}
     * @param components the archive's components, e.g. {@code [main]}
     * @param packages the resolved install closure at exact versions
     * @param builtPackagesRepository the compose's own repository, pinned above the archive (empty: nothing was rebuilt)
     * @param extraSources further apt one-line sources ({@code deb [signed-by=...] uri suite components})
     * @param sourceDateEpoch SOURCE_DATE_EPOCH for the tools, so equal inputs give equal trees
     */
    public record Request(String architecture, URI archive, String suite, List<String> components,
            List<PackageId> packages, Optional<BuiltPackagesAptRepository> builtPackagesRepository, List<String> extraSources,
            long sourceDateEpoch) {

        public Request {
            if (!archive.isAbsolute()) {
                throw new IllegalArgumentException("archive \"" + archive + "\" is not an absolute URI");
            }
            if (packages.isEmpty()) {
                throw new IllegalArgumentException("packages is empty: a root file system needs a resolved package set");
            }
            components = List.copyOf(components);
            packages = List.copyOf(packages);
            extraSources = List.copyOf(extraSources);
        }
    }

    private static final Logger LOG = Logger.getLogger(RootfsPhase.class);
    static final String PIN_FILE = "/etc/apt/preferences.d/50-deb-bootc-compose.pref";
    static final String DRACUT_CONF = "/etc/dracut.conf.d/90-deb-bootc-compose.conf";

    private final ProcessRunner runner;
    private final Path workDir;
    private final Optional<Path> archiveKeyring;
    private final Optional<Path> downloadCache;
    private final Duration timeout;
    private final OstreeLayout layout;

    /**
     * @param archiveKeyring the keyring the archive's InRelease is checked against (empty: mmdebstrap's default)
     * @param downloadCache a directory that keeps downloaded .debs between runs (empty: none)
     * @param layout turns the tree mmdebstrap made into the OSTree layout, the other half of this phase
     */
    public RootfsPhase(ProcessRunner runner, Path workDir, Optional<Path> archiveKeyring, Optional<Path> downloadCache,
            Duration timeout, OstreeLayout layout) {
        this.layout = layout;
        this.runner = runner;
        this.workDir = workDir;
        this.archiveKeyring = archiveKeyring;
        this.downloadCache = downloadCache;
        this.timeout = timeout;
    }

    @Override
    public Stage stage() {
        return Stage.ROOTFS;
    }

    /**
     * The plan's package set from the plan's archive, its extra repositories and the
     * built-packages apt repository (when the repository phase made a non-empty one), in
     * the context's tree, then laid out for OSTree.
     */
    @Override
    public void run(PublishContext context) {
        Request request;
        try {
            request = new Request(context.architecture(), context.archive(), context.plan().suite(), List.of("main"),
                    context.target().packages().stream()
                            .map(p -> new PackageId(p.name(), p.version(), p.architecture())).toList(),
                    context.find(RepositoryPhase.REPOSITORY).filter(r -> !r.packages().isEmpty()),
                    extraSources(context.plan().extraRepositories(), context.workDir()), context.sourceDateEpoch());
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.ROOTFS, "cannot prepare " + context.workDir() + ": " + e, e);
        } catch (IllegalArgumentException e) {
            // a package name or version of the plan that is not Debian's, an extra repository apt cannot take
            throw new InputRejected(Stage.ROOTFS, e.getMessage(), e);
        }
        run(request, context.tree());
        context.put(LAID_OUT, layout.apply(context.tree()));
    }

    /** One-line apt sources for the plan's extra repositories; an inline key block is written to a file apt reads. */
    static List<String> extraSources(List<AptRepository> repositories, Path work) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < repositories.size(); i++) {
            AptRepository r = repositories.get(i);
            String signedBy = r.signedBy();
            if (signedBy.startsWith("-----BEGIN")) {
                Path key = work.resolve("extra-" + i + ".asc");
                Files.writeString(key, signedBy, StandardCharsets.UTF_8);
                signedBy = key.toString();
            }
            lines.add("deb [signed-by=" + signedBy + "] " + r.uri() + " " + r.suite() + " " + String.join(" ", r.components()));
        }
        return lines;
    }

    /** Builds the root file system in {@code target} (which must not exist yet), without the OSTree layout. */
    public Path run(Request request, Path target) {
        try {
            return build(request, target);
        } catch (CommandFailedException e) {
            throw Diagnosis.tool(Stage.ROOTFS, e);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.ROOTFS, "cannot prepare the root file system " + target + ": " + e, e);
        }
    }

    private Path build(RequestFiles files, Request request, Path target) throws IOException {
        List<String> command = new ArrayList<>(List.of("mmdebstrap", "--mode=root", "--variant=custom",
                "--architectures=" + request.architecture(),
                "--include=" + String.join(",", selection(request).stream().map(PackageId::pinned).toList()),
                "--setup-hook=mkdir -p \"$1/etc/apt/preferences.d\" && cp " + quote(files.pin().toString()) + " \"$1" + PIN_FILE + "\"",
                "--essential-hook=mkdir -p \"$1/etc/dracut.conf.d\" && cp " + quote(files.dracut().toString()) + " \"$1" + DRACUT_CONF + "\"",
                "--customize-hook=rm -f \"$1" + PIN_FILE + "\" && cp " + quote(files.sources().toString())
                        + " \"$1/etc/apt/sources.list\""));
        if (downloadCache.isPresent()) {
            Path cache = Files.createDirectories(downloadCache.get());
            command.addAll(List.of("--skip=download/empty", "--skip=essential/unlink",
                    "--setup-hook=mkdir -p \"$1/var/cache/apt/archives/\"",
                    "--setup-hook=sync-in " + quote(cache.toString()) + " /var/cache/apt/archives/",
                    "--customize-hook=sync-out /var/cache/apt/archives " + quote(cache.toString())));
        }
        command.add(request.suite());
        command.add(target.toString());
        command.add(archiveLine(request));
        request.builtPackagesRepository().ifPresent(r -> command.add(r.sourceLine()));
        command.addAll(request.extraSources());
        long started = System.nanoTime();
        // tied to the service: a publisher killed mid-run leaves no mmdebstrap writing here and no /proc, /sys or
        // /dev mounted in the tree
        runner.run(Command.of(command).withTimeout(timeout).capturingStdout().tiedToService().withEnvironment(Map.of(
                "SOURCE_DATE_EPOCH", Long.toString(request.sourceDateEpoch()),
                "TMPDIR", Files.createDirectories(workDir.resolve("tmp")).toString())));
        LOG.infof("root file system %s: %d packages in %d s", target, request.packages().size(),
                (System.nanoTime() - started) / 1_000_000_000);
        return target;
    }

    private Path build(Request request, Path target) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(target + " already exists");
        }
        Path inputs = Files.createDirectories(target.toAbsolutePath().getParent());
        RequestFiles files = new RequestFiles(
                Files.writeString(inputs.resolve(target.getFileName() + ".pref"), pin()),
                Files.writeString(inputs.resolve(target.getFileName() + ".dracut.conf"), dracutConf()),
                Files.writeString(inputs.resolve(target.getFileName() + ".sources.list"), archiveLine(request) + "\n"));
        return build(files, request, target);
    }

    private record RequestFiles(Path pin, Path dracut, Path sources) {
        RequestFiles {
            pin = pin.toAbsolutePath();
            dracut = dracut.toAbsolutePath();
            sources = sources.toAbsolutePath();
        }
    }

    private String archiveLine(Request request) {
        String options = archiveKeyring.map(k -> "[signed-by=" + k + "] ").orElse("");
        return "deb " + options + request.archive() + " " + request.suite() + " " + String.join(" ", request.components());
    }

    /**
     * The packages mmdebstrap installs: the resolved set, where a package the compose
     * rebuilt is taken at the version in the compose's repository.
     */
    static List<PackageId> selection(Request request) {
        Map<String, PackageId> chosen = new TreeMap<>();
        for (PackageId p : request.packages()) {
            PackageId rebuilt = request.builtPackagesRepository().flatMap(r -> r.find(p.name())).orElse(p);
            chosen.put(p.name(), rebuilt);
        }
        return List.copyOf(chosen.values());
    }

    /** Apt preferences: the compose's repository above the archive, even to downgrade. */
    static String pin() {
        return "Package: *\nPin: release o=" + BuiltPackagesAptRepository.ORIGIN + "\nPin-Priority: 1001\n";
    }

    /** dracut builds a generic initramfs (bootc images boot on any machine) that is reproducible. */
    static String dracutConf() {
        return "hostonly=\"no\"\nreproducible=\"yes\"\n";
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
