package org.debian.bootc.publisher.lint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.debian.bootc.debian.process.ProcessRunner;
import org.debian.bootc.publisher.failure.InfrastructureFailure;
import org.debian.bootc.publisher.failure.LintFailure;
import org.debian.bootc.publisher.failure.Stage;
import org.debian.bootc.publisher.phase.Phase;
import org.debian.bootc.publisher.phase.PublishContext;

/**
 * bootc's fatal lint rules ({@code bootc container lint}), checked on the tree before
 * anything is committed or pushed. The first broken rule stops the publish; the failure
 * names it with bootc's name for it.
 */
public final class LintPhase implements Phase {

    /** {@code /var/run} must be a symlink (to {@code ../run}). */
    public static final String VAR_RUN = "var-run";
    /** A tree must not have both {@code /etc} and {@code /usr/etc}. */
    public static final String ETC_USRETC = "etc-usretc";
    /** At most one kernel directory ({@code /usr/lib/modules/<kver>/vmlinuz}). */
    public static final String KERNEL = "kernel";
    /** Every file name and symlink target is UTF-8. */
    public static final String UTF8 = "utf8";
    /** {@code dev proc sys run tmp var} are directories, not symlinks or files. */
    public static final String API_BASE_DIRECTORIES = "api-base-directories";
    /** {@code /sysroot} is a directory and {@code /ostree} a symlink to {@code sysroot/ostree}. */
    public static final String BASEIMAGE_ROOT = "baseimage-root";

    private static final List<String> API_DIRECTORIES = List.of("dev", "proc", "sys", "run", "tmp", "var");

    private final ProcessRunner runner;

    public LintPhase(ProcessRunner runner) {
        this.runner = runner;
    }

    @Override
    public Stage stage() {
        return Stage.LINT;
    }

    /** Checks the context's tree, which the rootfs phase laid out. */
    @Override
    public void run(PublishContext context) {
        run(context.tree());
    }

    /** Checks every rule in turn; throws {@link LintFailure} for the first one broken. */
    public void run(Path root) {
        try {
            check(root);
        } catch (IOException e) {
            throw new InfrastructureFailure(Stage.LINT, "cannot read " + root + ": " + e, e);
        }
    }

    private void check(Path root) throws IOException {
        if (!Files.isSymbolicLink(root.resolve("var/run"))) {
            throw new LintFailure(VAR_RUN, "/var/run is not a symlink (it must point to ../run)");
        }
        if (Files.exists(root.resolve("etc"), LinkOption.NOFOLLOW_LINKS)
                && Files.exists(root.resolve("usr/etc"), LinkOption.NOFOLLOW_LINKS)) {
            throw new LintFailure(ETC_USRETC, "both /etc and /usr/etc exist");
        }
        List<String> kernels = kernels(root);
        if (kernels.size() > 1) {
            throw new LintFailure(KERNEL, "more than one kernel directory: " + kernels);
        }
        for (String dir : API_DIRECTORIES) {
            if (!Files.isDirectory(root.resolve(dir), LinkOption.NOFOLLOW_LINKS)) {
                throw new LintFailure(API_BASE_DIRECTORIES, "/" + dir + " is not a directory");
            }
        }
        if (!Files.isDirectory(root.resolve("sysroot"), LinkOption.NOFOLLOW_LINKS)) {
            throw new LintFailure(BASEIMAGE_ROOT, "/sysroot is not a directory");
        }
        Path ostree = root.resolve("ostree");
        if (!Files.isSymbolicLink(ostree) || !Files.readSymbolicLink(ostree).toString().equals("sysroot/ostree")) {
            throw new LintFailure(BASEIMAGE_ROOT, "/ostree is not a symlink to sysroot/ostree");
        }
        // Java decodes file names with the platform charset; find hands over the raw bytes.
        byte[] names = runner.run(List.of("find", root.toString(), "-mindepth", "1", "-printf", "%P\\0"),
                Duration.ofMinutes(10)).stdout();
        nonUtf8(names).ifPresent(bad -> {
            throw new LintFailure(UTF8, "file name is not UTF-8: " + bad);
        });
        byte[] targets = runner.run(List.of("find", root.toString(), "-mindepth", "1", "-type", "l", "-printf", "%l\\0"),
                Duration.ofMinutes(10)).stdout();
        nonUtf8(targets).ifPresent(bad -> {
            throw new LintFailure(UTF8, "symlink target is not UTF-8: " + bad);
        });
    }

    static List<String> kernels(Path root) throws IOException {
        Path modules = root.resolve("usr/lib/modules");
        List<String> kernels = new ArrayList<>();
        if (Files.isDirectory(modules)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(modules)) {
                for (Path dir : dirs) {
                    if (Files.exists(dir.resolve("vmlinuz"), LinkOption.NOFOLLOW_LINKS)) {
                        kernels.add(dir.getFileName().toString());
                    }
                }
            }
        }
        kernels.sort(null);
        return kernels;
    }

    /**
     * The first of NUL-separated names that is not valid UTF-8, shown with its invalid
     * bytes escaped as {@code \xNN}; empty when every name is valid.
     */
    static Optional<String> nonUtf8(byte[] nulSeparated) {
        int start = 0;
        for (int i = 0; i <= nulSeparated.length; i++) {
            if (i == nulSeparated.length || nulSeparated[i] == 0) {
                byte[] name = Arrays.copyOfRange(nulSeparated, start, i);
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name));
                } catch (CharacterCodingException e) {
                    return Optional.of(escaped(name));
                }
                start = i + 1;
            }
        }
        return Optional.empty();
    }

    private static String escaped(byte[] name) {
        StringBuilder text = new StringBuilder();
        for (byte b : name) {
            if (b >= 0x20 && b < 0x7f) {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return text.toString();
    }
}
