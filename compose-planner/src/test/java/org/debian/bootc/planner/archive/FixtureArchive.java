package org.debian.bootc.planner.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.debian.bootc.debian.process.Command;
import org.debian.bootc.debian.process.ProcessRunner;

/**
 * A small Debian archive on disk, written by a test: indices given as text, a
 * Release listing them, and an InRelease signed with a throw-away key made by gpg
 * for this JVM. Serve its {@link #root()} over HTTP or as a {@code file:} URI.
 */
public final class FixtureArchive {

    /** The signing key, made once per JVM: key generation is the slow part. */
    static final class Key {
        private static Key instance;

        final Path home;
        final Path keyring;

        private Key(Path home, Path keyring) {
            this.home = home;
            this.keyring = keyring;
        }

        static synchronized Key get() {
            if (instance == null) {
                try {
                    Path home = Files.createTempDirectory("fixture-gnupg-");
                    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
                    ProcessRunner tools = new ProcessRunner(Duration.ofMinutes(1));
                    tools.run(Command.of(gpg(home, "--quick-generate-key", "deb-bootc-compose fixture <fixture@example.invalid>",
                            "ed25519", "sign", "never")));
                    Path keyring = home.resolve("fixture-keyring.gpg");
                    tools.run(Command.of(gpg(home, "--output", keyring.toString(), "--export")));
                    instance = new Key(home, keyring);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent")
                                    .start().waitFor();
                        } catch (IOException | InterruptedException e) {
                            // the agent exits by itself once its socket is gone
                        }
                    }));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return instance;
        }

        void clearsign(Path release, Path inRelease) {
            new ProcessRunner(Duration.ofMinutes(1)).run(Command.of(gpg(home, "--digest-algo", "SHA256", "--output",
                    inRelease.toString(), "--clearsign", release.toString())));
        }

        private static String[] gpg(Path home, String... args) {
            List<String> argv = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                    "--quiet", "--pinentry-mode", "loopback", "--passphrase", ""));
            argv.addAll(List.of(args));
            return argv.toArray(String[]::new);
        }
    }

    private final Path root;
    private final String suite;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> fields = new LinkedHashMap<>();

    public FixtureArchive(Path root, String suite) {
        this.root = root;
        this.suite = suite;
        fields.put("Origin", "Fixture");
        fields.put("Suite", "stable");
        fields.put("Codename", suite);
        fields.put("Date", "Sat, 10 Jun 2023 09:00:00 UTC");
        fields.put("Acquire-By-Hash", "yes");
        fields.put("No-Support-for-Architecture-all", "Packages");
        fields.put("Architectures", "amd64 arm64");
        fields.put("Components", "main");
    }

    public Path root() {
        return root;
    }

    public Path keyring() {
        return Key.get().keyring;
    }

    Path dists() {
        return root.resolve("dists/" + suite);
    }

    public FixtureArchive field(String name, String value) {
        if (value == null) {
            fields.remove(name);
        } else {
            fields.put(name, value);
        }
        return this;
    }

    /** Adds an index as text: the plain file is listed, and its {@code .gz} is listed and served. */
    public FixtureArchive index(String path, String text) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        files.put(path, plain);
        files.put(path + ".gz", gzip(plain));
        return this;
    }

    /** Adds a file served and listed as is (e.g. an {@code .xz} made by the test). */
    public FixtureArchive file(String path, byte[] content) {
        files.put(path, content);
        return this;
    }

    /** Writes the tree: served files (plain ones are only listed, as Debian does), by-hash copies, Release, InRelease. */
    public FixtureArchive write() {
        try {
            StringBuilder release = new StringBuilder();
            fields.forEach((k, v) -> release.append(k).append(": ").append(v).append('\n'));
            release.append("SHA256:\n");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                String sha = IndexCache.sha256(e.getValue());
                release.append(String.format(" %s %8d %s%n", sha, e.getValue().length, e.getKey()));
                if (!isPlainListedOnly(e.getKey())) {
                    Path file = dists().resolve(e.getKey());
                    Files.createDirectories(file.getParent());
                    Files.write(file, e.getValue());
                    Path byHash = file.getParent().resolve("by-hash/SHA256/" + sha);
                    Files.createDirectories(byHash.getParent());
                    Files.write(byHash, e.getValue());
                }
            }
            Files.createDirectories(dists());
            Path releaseFile = dists().resolve("Release");
            Files.writeString(releaseFile, release.toString());
            Key.get().clearsign(releaseFile, dists().resolve("InRelease"));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean isPlainListedOnly(String path) {
        return files.containsKey(path + ".gz") || files.containsKey(path + ".xz");
    }

    static byte[] gzip(byte[] plain) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(plain);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
