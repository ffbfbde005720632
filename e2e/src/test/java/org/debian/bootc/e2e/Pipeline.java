package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one-machine pipeline as {@code bin/deb-bootc-compose} starts it (the same jars, the same
 * environment), with each process in the test's hands so that it can be killed and started
 * again: the local stack (real Kafka and PostgreSQL, its broker restartable through its stdin),
 * the four services, and a submitter. Logs go to {@code <dir>/logs/<name>.log}, appended across
 * restarts.
 */
final class Pipeline implements AutoCloseable {

    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path logs;
    private final int kafkaPort;
    private final int postgresPort;
    private final int httpBase;
    private final Map<String, String> extraEnv;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<Process> submitters = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process stack;
    private String keyId;

    /**
     * @param extraEnv per service, settings added to the main command's (e.g. a shorter lease)
     */
    Pipeline(Path dir, Map<String, Map<String, String>> extraEnv) throws IOException {
        this.dir = dir;
        this.logs = dir.resolve("logs");
        this.kafkaPort = Host.freePort();
        this.postgresPort = Host.freePort();
        this.httpBase = Host.freePortRun(Host.SERVICES.size());
        this.extraEnv = new HashMap<>();
        extraEnv.forEach((service, env) -> env.forEach((k, v) -> this.extraEnv.put(service + "\0" + k, v)));
    }

    Path dir() {
        return dir;
    }

    String bootstrap() {
        return "localhost:" + kafkaPort;
    }

    int httpPort(String service) {
        return httpBase + Host.SERVICES.indexOf(service);
    }

    /** Starts the local stack, makes the signing key and the API token, starts the four services. */
    void start() throws Exception {
        Files.createDirectories(logs);
        Path gnupg = dir.resolve("gnupg");
        Files.createDirectories(gnupg);
        Files.setPosixFilePermissions(gnupg, PosixFilePermissions.fromString("rwx------"));
        Host.tool("gpg", "--batch", "--homedir", gnupg.toString(), "--passphrase", "", "--quick-gen-key",
                "deb-bootc-compose fault test <faults@localhost>", "ed25519", "sign", "never");
        keyId = Host.tool("gpg", "--batch", "--homedir", gnupg.toString(), "--with-colons", "--list-secret-keys")
                .lines().filter(l -> l.startsWith("fpr:")).map(l -> l.split(":")[9]).findFirst().orElseThrow();
        Files.writeString(dir.resolve("scheduler-token"), "fault-test-token");

        Path stackJar = Host.ROOT.resolve("local-stack/target/local-stack-" + VERSION + "-runner.jar");
        Path stackLog = logs.resolve("local-stack.log");
        stack = new ProcessBuilder("java", "-jar", stackJar.toString(), "--data", dir.toString(), "--kafka-port",
                Integer.toString(kafkaPort), "--postgres-port", Integer.toString(postgresPort), "--databases",
                "planner,scheduler").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        stackLog.toFile())).start();
        awaitLine(stackLog, "READY", Duration.ofMinutes(2), stack);
        for (String service : Host.SERVICES) {
            startService(service);
        }
        for (String service : Host.SERVICES) {
            awaitReady(service);
        }
    }

    /** Starts one service as the main command does (it must not be running). */
    void startService(String service) throws IOException {
        Path gnupg = dir.resolve("gnupg");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("POSTGRES_PORT", Integer.toString(postgresPort));
        switch (service) {
            case "compose-planner" -> env.put("POSTGRES_DB", "planner");
            case "task-scheduler" -> {
                env.put("POSTGRES_DB", "scheduler");
                env.put("SCHEDULER_API_TOKEN", Files.readString(dir.resolve("scheduler-token")).strip());
                env.put("BOOTC_SCHEDULER_LOG_ROOT", dir.resolve("executor").toString());
                env.put("BOOTC_SCHEDULER_LIVE_LOG_LOCATION", "http://localhost:" + httpPort("chroot-executor")
                        + "/builds/{task}/{attempt}/log");
            }
            case "chroot-executor" -> env.put("BOOTC_EXECUTOR_STATE_DIR", dir.resolve("executor").toString());
            case "artifact-publisher" -> {
                env.put("BOOTC_PUBLISHER_DATA_DIR", dir.resolve("publisher").toString());
                env.put("BOOTC_PUBLISHER_SIGNING_GNUPG_HOME", gnupg.toString());
                env.put("BOOTC_PUBLISHER_SIGNING_KEY_ID", keyId);
                env.put("BOOTC_PUBLISHER_PUSH", "true");
                env.put("BOOTC_PUBLISHER_REGISTRY_TLS_VERIFY", "false");
                env.put("BOOTC_PUBLISHER_DOWNLOAD_CACHE", dir.resolve("publisher/debs").toString());
            }
            default -> throw new IllegalArgumentException("no service " + service);
        }
        extraEnv.forEach((key, value) -> {
            if (key.startsWith(service + "\0")) {
                env.put(key.substring(service.length() + 1), value);
            }
        });
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx384m", "-Dquarkus.http.port=" + httpPort(service), "-jar",
                Host.ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar").toString())
                .directory(Host.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service + ".log").toFile()));
        pb.environment().putAll(env);
        processes.put(service, pb.start());
    }

    /** Waits until {@code /q/health/ready} of the service answers 200. */
    void awaitReady(String service) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            Process p = processes.get(service);
            if (p != null && !p.isAlive()) {
                fail(service + " exited " + p.exitValue() + Host.logTails(logs));
            }
            if (get(service, "/q/health/ready").map(r -> r.statusCode() == 200).orElse(false)) {
                return;
            }
            Thread.sleep(500);
        }
        fail(service + " is not ready after 3 minutes" + Host.logTails(logs));
    }

    /** SIGKILL: the JVM gets no chance to clean up, commit offsets or finish a transaction. */
    void kill(String service) throws InterruptedException {
        Process p = processes.remove(service);
        assertTrue(p != null && p.isAlive(), service + " is not running");
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), service + " outlived SIGKILL");
    }

    /** The processes the service started that still run (an executor's builds). */
    List<ProcessHandle> descendants(String service) {
        Process p = processes.get(service);
        return p == null ? List.of() : p.descendants().toList();
    }

    /** Stops the broker and starts it on the same port and data ({@code restart kafka} on the stack's stdin). */
    void restartBroker() throws Exception {
        Path stackLog = logs.resolve("local-stack.log");
        long before = Files.readString(stackLog).lines().filter(l -> l.startsWith("RESTARTED")).count();
        OutputStream in = stack.getOutputStream();
        in.write("restart kafka\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Files.readString(stackLog).lines().filter(l -> l.startsWith("RESTARTED")).count() == before) {
            assertTrue(stack.isAlive() && Instant.now().isBefore(deadline), "the broker did not restart"
                    + Host.logTails(logs));
            Thread.sleep(200);
        }
    }

    /** The JSON a service's REST API answers, or empty while it does not answer (killed, starting). */
    Optional<JsonNode> json(String service, String path) throws InterruptedException {
        Optional<HttpResponse<String>> r = get(service, path);
        if (r.isEmpty() || r.get().statusCode() != 200) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(r.get().body()));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    private Optional<HttpResponse<String>> get(String service, String path) throws InterruptedException {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort(service) + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException notAnswering) {
            return Optional.empty();
        }
    }

    /**
     * Starts the command line's {@code compose submit --as-event --watch} for the manifest, as
     * {@code bin/deb-bootc-compose} does; its output goes to {@code logs/submit.log}.
     */
    Process submit(Path manifest, Duration timeout) throws IOException {
        Path cliJar = Host.ROOT.resolve("cli/target/quarkus-app/quarkus-run.jar");
        Process submitter = new ProcessBuilder("java", "-jar", cliJar.toString(), "--kafka", bootstrap(), "--planner",
                "http://localhost:" + httpPort("compose-planner"), "compose", "submit", manifest.toString(),
                "--as-event", "--watch", "--progress", "plain", "--timeout", Long.toString(timeout.toSeconds()))
                .redirectErrorStream(true).redirectOutput(logs.resolve("submit.log").toFile()).start();
        submitters.add(submitter);
        return submitter;
    }

    Path logs() {
        return logs;
    }

    /** Stops the submitters, the services (SIGTERM, then SIGKILL after 60 s), then the stack. */
    @Override
    public void close() throws Exception {
        submitters.forEach(Process::destroy); // a test that failed early leaves its submitter waiting
        List<Process> all = new ArrayList<>(processes.values());
        processes.clear();
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        if (stack != null) {
            stack.destroy();
            if (!stack.waitFor(60, TimeUnit.SECONDS)) {
                stack.destroyForcibly();
            }
        }
    }

    private static void awaitLine(Path log, String prefix, Duration timeout, Process process) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).lines().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            if (!process.isAlive()) {
                fail("exited " + process.exitValue() + " before " + prefix + ": " + Files.readString(log));
            }
            Thread.sleep(300);
        }
        fail("no " + prefix + " in " + log + " after " + timeout + ": " + Files.readString(log));
    }
}
