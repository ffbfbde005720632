package org.debian.bootc.publisher.phase;

import java.io.IOException;
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

/**
 * The root file system, as rpm-ostree's treecompose installs it: mmdebstrap with
 * exactly the resolved package set ({@code --variant=custom}, every package at its
 * exact version) from the archive plus the compose's own repository, which apt pins
 * above the archive so a rebuilt binary replaces the archive's. The image's apt
 * sources name the archive only: the compose repository is a build input, not
 * something a deployed system can reach.
 */
public final class RootfsPhase {

    private static final Logger LOG = Logger.getLogger(RootfsPhase.class);
    static final String PIN_FILE = "/etc/apt/preferences.d/50-deb-bootc-compose.pref";
    static final String DRACUT_CONF = "/etc/dracut.conf.d/90-deb-bootc-compose.conf";

    private final ProcessRunner runner;
    private final Path workDir;
    private final Optional<Path> archiveKeyring;
    private final Optional<Path> downloadCache;
    private final Duration timeout;

    /**
     * @param archiveKeyring the keyring the archive's InRelease is checked against (empty: mmdebstrap's default)
     * @param downloadCache a directory that keeps downloaded .debs between runs (empty: none)
     */
    public RootfsPhase(ProcessRunner runner, Path workDir, Optional<Path> archiveKeyring, Optional<Path> downloadCache,
            Duration timeout) {
        this.runner = runner;
        this.workDir = workDir;
        this.archiveKeyring = archiveKeyring;
        this.downloadCache = downloadCache;
        this.timeout = timeout;
    }

    /** Builds the root file system in {@code target} (which must not exist yet). */
    public Path run(RootfsRequest request, Path target) {
        try {
            return build(request, target);
        } catch (CommandFailedException e) {
            throw new PhaseFailedException(Stage.ROOTFS, e.getMessage(), e);
        } catch (IOException e) {
            throw new PhaseFailedException(Stage.ROOTFS, "cannot prepare the root file system " + target + ": " + e, e);
        }
    }

    private Path build(RequestFiles files, RootfsRequest request, Path target) throws IOException {
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
        request.composeRepository().ifPresent(r -> command.add(r.sourceLine()));
        command.addAll(request.extraSources());
        long started = System.nanoTime();
        runner.run(Command.of(command).withTimeout(timeout).capturingStdout().withEnvironment(Map.of(
                "SOURCE_DATE_EPOCH", Long.toString(request.sourceDateEpoch()),
                "TMPDIR", Files.createDirectories(workDir.resolve("tmp")).toString())));
        LOG.infof("root file system %s: %d packages in %d s", target, request.packages().size(),
                (System.nanoTime() - started) / 1_000_000_000);
        return target;
    }

    private Path build(RootfsRequest request, Path target) throws IOException {
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

    private String archiveLine(RootfsRequest request) {
        String options = archiveKeyring.map(k -> "[signed-by=" + k + "] ").orElse("");
        return "deb " + options + request.archive() + " " + request.suite() + " " + String.join(" ", request.components());
    }

    /**
     * The packages mmdebstrap installs: the resolved set, where a package the compose
     * rebuilt is taken at the version in the compose's repository.
     */
    static List<PackageId> selection(RootfsRequest request) {
        Map<String, PackageId> chosen = new TreeMap<>();
        for (PackageId p : request.packages()) {
            PackageId rebuilt = request.composeRepository().flatMap(r -> r.find(p.name())).orElse(p);
            chosen.put(p.name(), rebuilt);
        }
        return List.copyOf(chosen.values());
    }

    /** Apt preferences: the compose's repository above the archive, even to downgrade. */
    static String pin() {
        return "Package: *\nPin: release o=" + ComposeRepository.ORIGIN + "\nPin-Priority: 1001\n";
    }

    /** dracut builds a generic initramfs (bootc images boot on any machine) that is reproducible. */
    static String dracutConf() {
        return "hostonly=\"no\"\nreproducible=\"yes\"\n";
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
