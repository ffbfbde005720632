package org.debian.bootc.debian.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.CommandFailedException;
import org.debian.bootc.debian.process.CommandResult;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * Checks an InRelease file with gpgv and hands back only the text the signature
 * covers, so nothing outside the signed block is ever parsed.
 *
 * <p>The verdict follows apt: at least one good signature from a key in the
 * keyrings (and, when Signed-By names fingerprints, from one of those keys) and no
 * bad one. Signatures by keys the keyring lacks are ignored, since Debian signs each
 * Release with several keys and a machine's keyring may not hold the newest.
 */
public final class ReleaseVerifier {

    private static final String STATUS = "[GNUPG:] ";
    /** How many of gpgv's last lines a rejection quotes. */
    private static final int QUOTED_LINES = 12;

    private final ProcessRunner tools = new ProcessRunner();
    private final Duration timeout;
    private final String gpgv;

    /** @param timeout how long gpgv may take before it is killed */
    public ReleaseVerifier(Duration timeout) {
        this(timeout, "gpgv");
    }

    /** @param gpgv the program to run in gpgv's place, for tests of its failures */
    ReleaseVerifier(Duration timeout, String gpgv) {
        this.timeout = timeout;
        this.gpgv = gpgv;
    }

    /**
     * @param keyrings binary OpenPGP keyrings (gpgv reads no armour; see {@link #dearmor})
     * @param fingerprints when not empty, the keys that may sign
     * @return the signed text
     * @throws SignatureRejectedException quoting gpgv
     * @throws UncheckedIOException when gpgv cannot be run, fails, or outlives the timeout
     */
    public String verify(Path signedFile, List<Path> keyrings, List<String> fingerprints) {
        Path work = null;
        try {
            work = Files.createTempDirectory("gpgv-");
            Path output = work.resolve("Release");
            List<String> argv = new ArrayList<>(List.of(gpgv, "--homedir", work.toString(), "--status-fd", "1",
                    "--output", output.toString()));
            for (Path keyring : keyrings) {
                argv.add("--keyring");
                argv.add(keyring.toAbsolutePath().toString());
            }
            argv.add(signedFile.toAbsolutePath().toString());
            CommandResult result = run(argv);
            String problem = judge(result.stdoutText(), fingerprints);
            if (problem != null) {
                throw new SignatureRejectedException(problem, said(result.lastLines()));
            }
            if (!Files.isRegularFile(output)) {
                throw new SignatureRejectedException("gpgv wrote no signed text", said(result.lastLines()));
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot verify " + signedFile + ": " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    /**
     * The one place gpgv is started. Its status lines (fd 1) are kept apart from what it says on
     * stderr; exit 1 and 2 are verdicts for {@link #judge}, anything else is gpgv failing.
     */
    private CommandResult run(List<String> argv) throws IOException {
        try {
            return tools.run(Command.of(argv).capturingStdout().withTimeout(timeout)
                    .withEnvironment(Map.of("LC_ALL", "C.UTF-8")).acceptingExitCodes(0, 1, 2));
        } catch (CommandFailedException e) {
            if (e.timedOut()) {
                throw new IOException("gpgv did not finish within " + timeout, e);
            }
            if (e.exitCode().isPresent()) {
                throw new IOException("gpgv exited with " + e.exitCode().getAsInt() + ": "
                        + String.join(" / ", said(e.lastLines())), e);
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<String> said(List<String> lines) {
        List<String> last = lines.subList(Math.max(0, lines.size() - QUOTED_LINES), lines.size());
        return last.stream().map(l -> l.startsWith("gpgv: ") ? l.substring(6) : l).toList();
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    /**
     * Reads gpgv's {@code --status-fd} lines.
     *
     * @return why the signature is not acceptable, or null when it is
     */
    public static String judge(String status, List<String> fingerprints) {
        List<String> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        List<String> unusable = new ArrayList<>();
        boolean lastGood = false;
        for (String line : status.split("\n")) {
            if (!line.startsWith(STATUS)) {
                continue;
            }
            String[] w = line.substring(STATUS.length()).split(" ");
            switch (w[0]) {
                case "GOODSIG" -> lastGood = true;
                case "EXPKEYSIG", "REVKEYSIG", "EXPSIG" -> {
                    lastGood = false;
                    unusable.add(w[0] + " " + (w.length > 1 ? w[1] : ""));
                }
                case "BADSIG" -> bad.add(w.length > 1 ? w[1] : "?");
                case "VALIDSIG" -> {
                    if (lastGood) {
                        good.add(w[1].toUpperCase(Locale.ROOT));
                        if (w.length > 10) {
                            good.add(w[10].toUpperCase(Locale.ROOT));
                        }
                    }
                    lastGood = false;
                }
                default -> {
                    // NEWSIG, KEY_CONSIDERED, ERRSIG/NO_PUBKEY (a key we do not hold), TRUST_*: no verdict
                }
            }
        }
        if (!bad.isEmpty()) {
            return "BAD signature from key " + String.join(", ", bad);
        }
        if (good.isEmpty()) {
            return unusable.isEmpty() ? "no good signature from a key in the keyring"
                    : "no usable signature (" + String.join(", ", unusable).strip() + ")";
        }
        if (!fingerprints.isEmpty() && fingerprints.stream().noneMatch(good::contains)) {
            return "signed by " + good + ", none of which Signed-By allows (" + fingerprints + ")";
        }
        return null;
    }

    /** Turns an ASCII-armoured key block into the binary keyring gpgv wants. */
    public static byte[] dearmor(String armored) {
        StringBuilder base64 = new StringBuilder();
        boolean inBlock = false;
        boolean inBody = false;
        for (String raw : armored.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
                inBlock = true;
                inBody = false;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            if (line.startsWith("-----END PGP PUBLIC KEY BLOCK-----")) {
                inBlock = false;
                continue;
            }
            if (!inBody) {
                // armour headers ("Comment: ...") end at the first empty line
                if (line.isEmpty()) {
                    inBody = true;
                } else if (!line.contains(": ")) {
                    inBody = true;
                    base64.append(line);
                }
                continue;
            }
            if (line.startsWith("=") && line.length() == 5) {
                continue; // CRC-24 checksum
            }
            base64.append(line);
        }
        if (base64.length() == 0) {
            throw new IllegalArgumentException("no PGP public key block found");
        }
        return Base64.getDecoder().decode(base64.toString());
    }

    public static boolean isArmored(byte[] keyring) {
        String head = new String(keyring, 0, Math.min(keyring.length, 64), StandardCharsets.US_ASCII);
        return head.stripLeading().startsWith("-----BEGIN PGP");
    }

}
