package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, as a release engineer runs it: {@code bin/deb-bootc-compose
 * examples/minimal.yaml} on a fresh stack directory. The real Kafka broker and PostgreSQL
 * (local-stack), the four services as separate processes, the real Debian archive this
 * machine's apt sources name, mmdebstrap, dpkg-buildpackage, ostree, skopeo and Debian's
 * docker-registry. Then the same command again: the no-change case.
 *
 * <p>The registry is started here (the command pushes to one that already answers), so the
 * image can be read back after the command has stopped its services.
 */
class MainCommandE2EIT {

    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("e2e/target/e2e");
    private static final Pattern REF = Pattern.compile("(?m)^amd64: ostree ref (\\S+) commit ([0-9a-f]{64})$");
    private static final Pattern IMAGE = Pattern.compile("(?m)^amd64: image (\\S+)@(sha256:[0-9a-f]{64})$");

    private static Process registry;
    private static int registryPort;

    @BeforeAll
    static void registry() throws Exception {
        for (String service : List.of("compose-planner", "task-scheduler", "chroot-executor", "artifact-publisher")) {
            Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
            assertTrue(Files.isRegularFile(jar), jar + " is missing: package the services first (mvn -B verify, then"
                    + " mvn -B -Pe2e -pl e2e verify; or mvn -B -Pe2e verify)");
        }
        deleteTree(WORK);
        Files.createDirectories(WORK);
        registryPort = freePort();
        Path config = WORK.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + WORK.resolve("registry-storage") + "\nhttp:\n  addr: 127.0.0.1:" + registryPort + "\n");
        registry = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("docker-registry did not answer on " + registryPort + ": " + Files.readString(WORK.resolve("registry.log")));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.destroy();
        }
    }

    @Test
    void theMinimalManifestBecomesABootcImageAndASecondRunRebuildsAndPushesNothing() throws Exception {
        Path manifest = WORK.resolve("minimal.yaml");
        Files.writeString(manifest, Files.readString(ROOT.resolve("examples/minimal.yaml"))
                .replace("localhost:5000/", "localhost:" + registryPort + "/"));

        String first = mainCommand(manifest, "run-1", Duration.ofMinutes(75));
        Matcher ref = REF.matcher(first);
        Matcher image = IMAGE.matcher(first);
        assertTrue(ref.find() && image.find(), "no ref, commit and image printed:\n" + first);
        String commit = ref.group(2);
        assertEquals("debian/bookworm/amd64/minimal", ref.group(1));
        assertEquals("localhost:" + registryPort + "/debian-bootc/minimal:1", image.group(1));
        assertTrue(first.contains("attempt 1: completed success"), "hello was not built:\n" + first);

        // the OSTree repository holds the commit on the ref, with a kernel in the one place bootc looks
        Path repo = WORK.resolve("stack/publisher/ostree/repo");
        assertEquals(commit, tool("ostree", "--repo=" + repo, "rev-parse", ref.group(1)).strip());
        String modules = tool("ostree", "--repo=" + repo, "ls", commit, "/usr/lib/modules");
        assertTrue(modules.lines().filter(l -> l.startsWith("d")).count() == 2, "/usr/lib/modules holds not one kernel"
                + " directory:\n" + modules);
        // the registry serves the image the command named, a bootc image of that commit
        JsonNode inspected = new ObjectMapper().readTree(tool("skopeo", "inspect", "--tls-verify=false",
                "docker://" + image.group(1)));
        assertEquals(image.group(2), inspected.path("Digest").asText());
        JsonNode labels = inspected.path("Labels");
        assertEquals("1", labels.path("containers.bootc").asText(), labels.toString());
        assertEquals("1", labels.path("ostree.bootable").asText(), labels.toString());
        assertEquals(commit, labels.path("ostree.commit").asText(), labels.toString());
        assertTrue(inspected.path("Layers").size() > 1, "not package-chunked: " + inspected.path("Layers"));

        String second = mainCommand(manifest, "run-2", Duration.ofMinutes(30));
        Matcher ref2 = REF.matcher(second);
        Matcher image2 = IMAGE.matcher(second);
        assertTrue(ref2.find() && image2.find(), "no ref, commit and image printed:\n" + second);
        assertEquals(commit, ref2.group(2), "an unchanged compose made a new commit");
        assertEquals(image.group(2), image2.group(2), "an unchanged compose made a new image");
        assertTrue(second.contains("nothing is rebuilt"), "hello was not reused:\n" + second);
        assertFalse(second.contains(": running"), "a task was dispatched again:\n" + second);
        assertTrue(second.contains(" 0 bytes pushed)"), "the second run pushed:\n" + second);
    }

    /** Runs the main command, returns what it printed; fails with its output and the services' logs if it fails. */
    private static String mainCommand(Path manifest, String name, Duration timeout) throws Exception {
        int base = freePortRun(4);
        Path log = WORK.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("bin/deb-bootc-compose").toString(),
                manifest.toString()).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("BOOTC_STACK_DIR", WORK.resolve("stack").toString());
        env.put("BOOTC_KAFKA_PORT", Integer.toString(freePort()));
        env.put("BOOTC_POSTGRES_PORT", Integer.toString(freePort()));
        env.put("BOOTC_REGISTRY_PORT", Integer.toString(registryPort));
        env.put("BOOTC_HTTP_PORT_BASE", Integer.toString(base));
        env.put("BOOTC_COMPOSE_TIMEOUT", Long.toString(timeout.toSeconds()));
        Process process = pb.start();
        boolean ended = process.waitFor(timeout.toSeconds() + 300, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        if (!ended || process.exitValue() != 0) {
            fail(name + ": bin/deb-bootc-compose " + (ended ? "exited " + process.exitValue() : "did not end") + "\n"
                    + output + serviceLogs());
        }
        return output;
    }

    private static String serviceLogs() throws IOException {
        StringBuilder tails = new StringBuilder();
        Path logs = WORK.resolve("stack/logs");
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

    private static String tool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The first of {@code n} consecutive ports that are free now. */
    private static int freePortRun(int n) throws IOException {
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

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        // a crashed build may have left a mount under the executor's state: never delete through it
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
