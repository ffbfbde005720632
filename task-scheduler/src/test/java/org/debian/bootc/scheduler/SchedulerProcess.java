package org.debian.bootc.scheduler;

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

/**
 * The packaged scheduler ({@code target/quarkus-app}) as a separate JVM, so a test can
 * kill it for real. Built by {@code mvn package}, which runs before failsafe.
 */
public final class SchedulerProcess implements AutoCloseable {

    private static final Path APP = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final int httpPort;
    private final Path log;

    private SchedulerProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    public static SchedulerProcess start(String name, Map<String, String> properties) throws IOException {
        if (!Files.exists(APP)) {
            throw new IllegalStateException(APP.toAbsolutePath() + " is missing: run the tests with mvn verify");
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        // extra JVM options for a benchmark run, e.g. a flight recording: -Dscheduler.jvm-options="-XX:…"
        String extra = System.getProperty("scheduler.jvm-options", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(APP.toString());
        Path log = Path.of("target", name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new SchedulerProcess(process, port, log);
    }

    /** The scheduler JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** The HTTP status of {@code /q/health/ready}, or -1 while nothing listens. */
    public int readiness() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + httpPort + "/q/health/ready")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String readinessBody() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + httpPort + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Waits until readiness answers {@code status}; fails with the log's tail otherwise. */
    public void awaitReadiness(int status, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen;
        do {
            seen = readiness();
            if (seen == status) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("scheduler exited with " + process.exitValue() + "\n" + logTail());
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("readiness stayed " + seen + ", expected " + status + "\n" + logTail());
    }

    public int awaitExit(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("scheduler still running after " + timeout + "\n" + logTail());
        }
        return process.exitValue();
    }

    public String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Kills the process the way a power cut or the OOM killer would: SIGKILL, no shutdown hooks. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
