package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the end-to-end tests need from this machine: the checkout, ports, tools, files. */
final class Host {

    /** The checkout (the reactor's root). */
    static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    /** The services in the order the main command starts them. */
    static final List<String> SERVICES = List.of("compose-planner", "task-scheduler", "chroot-executor",
            "artifact-publisher");

    private Host() {
    }

    /** Fails unless every service is packaged (an earlier {@code mvn verify} did it). */
    static void requirePackagedServices() {
        for (String service : SERVICES) {
            Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            assertTrue(Files.isRegularFile(jar), jar + " is missing: package the services first (mvn -B verify, then"
                    + " mvn -B -Pe2e -pl e2e verify; or mvn -B -Pe2e verify)");
        }
        // the main command submits and follows the compose with the command line
        Path cli = ROOT.resolve("cli/target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(cli), cli + " is missing: package the project first (mvn -B verify)");
    }

    /** Runs a program, fails the test unless it exits 0 within two minutes; returns what it printed. */
    static String tool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The first of {@code n} consecutive ports that are free now. */
    static int freePortRun(int n) throws IOException {
        for (int first = 20000 + (int) (ProcessHandle.current().pid() % 1000) * 10; first < 60000; first += n) {
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    held.add(new ServerSocket(first + i));
                }
                return first;
            } catch (IOException taken) {
                // try the next run
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no " + n + " consecutive free ports");
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last 40 lines of each file in {@code logs}, for a failure message. */
    static String logTails(Path logs) throws IOException {
        StringBuilder tails = new StringBuilder();
        if (Files.isDirectory(logs)) {
            try (Stream<Path> files = Files.list(logs)) {
                for (Path file : files.sorted().toList()) {
                    List<String> lines = Files.readAllLines(file);
                    tails.append("\n--- last lines of ").append(file).append('\n')
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                }
            }
        }
        return tails.toString();
    }

    /** Deletes {@code dir}, refusing if anything is still mounted below it (a crashed build's mounts). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<String> mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(l -> l.split(" ")[1]).filter(m -> m.startsWith(dir.toString() + "/")).toList();
        assertTrue(mounted.isEmpty(), "still mounted under " + dir + ": " + mounted + " (umount them first)");
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
