package org.debian.bootc.cli.stack;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.ExitCodes;

/**
 * Starts the local stack's jar (Kafka and PostgreSQL) as a background process in a
 * session of its own, remembers it in {@code DATA/local-stack.pid}, and stops it with
 * SIGTERM (the jar then shuts Kafka down cleanly and stops PostgreSQL). The services
 * are started by bin/deb-bootc-compose, not here.
 */
public final class LocalStackProcess {

    public static final String PID_FILE = "local-stack.pid";
    public static final String LOG = "logs/local-stack.log";

    private final Path data;
    private final PrintWriter out;

    public LocalStackProcess(Path data, PrintWriter out) {
        this.data = data.toAbsolutePath().normalize();
        this.out = out;
    }

    /** Starts the stack unless it runs; returns once it printed READY. */
    public int up(Path jar, int kafkaPort, int postgresPort, String databases, Duration timeout) {
        Optional<ProcessHandle> running = running();
        if (running.isPresent()) {
            out.println("the local stack already runs from " + data + " (pid " + running.get().pid()
                    + "); stop it with: bootc-compose stack down");
            out.flush();
            return ExitCodes.OK;
        }
        if (!Files.isRegularFile(jar)) {
            throw CliException.badInput("local-stack jar '" + jar + "' not found: build it with"
                    + " 'mvn -B -q -DskipTests install' (or name it with --jar)");
        }
        Path log = data.resolve(LOG);
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw CliException.badInput("--data '" + data + "' cannot be used: " + e);
        }
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Its own session: a Ctrl-C in the terminal that ran 'stack up' does not reach the stack.
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--kafka-port",
                String.valueOf(kafkaPort), "--postgres-port", String.valueOf(postgresPort), "--databases", databases));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            Files.writeString(data.resolve(PID_FILE), process.pid() + "\n");
        } catch (IOException e) {
            throw CliException.unreachable("cannot start the local stack (" + String.join(" ", command) + "): " + e, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> ready = readyLine(log);
            if (ready.isPresent()) {
                out.println(ready.get());
                out.println("local stack running (pid " + process.pid() + ", data " + data + ", log " + log
                        + "); stop it with: bootc-compose stack down");
                out.flush();
                return ExitCodes.OK;
            }
            if (!process.isAlive()) {
                deletePid();
                throw CliException.unreachable("the local stack exited with status " + process.exitValue()
                        + " before it was ready; last lines of " + log + ":\n" + tail(log), null);
            }
            sleep(200);
        }
        process.destroy();
        deletePid();
        throw CliException.unreachable("the local stack was not ready within " + timeout.toSeconds()
                + " s; stopped it. Last lines of " + log + ":\n" + tail(log), null);
    }

    /** Stops the stack started by {@link #up}; nothing to stop is not an error. */
    public int down(Duration timeout) {
        Optional<ProcessHandle> running = running();
        if (running.isEmpty()) {
            out.println("no local stack runs from " + data);
            out.flush();
            return ExitCodes.OK;
        }
        ProcessHandle process = running.get();
        process.destroy();
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            out.println("the local stack (pid " + process.pid() + ") did not stop within " + timeout.toSeconds()
                    + " s of SIGTERM; killed it");
        } catch (Exception e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted while stopping pid " + process.pid(), e);
        }
        deletePid();
        out.println("local stack stopped (pid " + process.pid() + ")");
        out.flush();
        return ExitCodes.OK;
    }

    /** The running stack of this data directory: the pid file names a live process that runs the local-stack jar. */
    Optional<ProcessHandle> running() {
        Path pidFile = data.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            deletePid();
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                // A pid can be reused after a reboot or a crash: only a process running local-stack counts.
                .filter(p -> p.info().commandLine().map(c -> c.contains("local-stack")).orElse(true));
        if (handle.isEmpty()) {
            deletePid();
        }
        return handle;
    }

    private void deletePid() {
        try {
            Files.deleteIfExists(data.resolve(PID_FILE));
        } catch (IOException e) {
            // the next up/down finds it stale again
        }
    }

    private static Optional<String> readyLine(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("READY"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.unreachable("interrupted", e);
        }
    }

    /**
     * The repository root: {@code -Dbootc.compose.root} (bin/bootc-compose sets it), else the
     * directory above this jar that holds local-stack/, else the current directory.
     */
    public static Path root() {
        String property = System.getProperty("bootc.compose.root");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        try {
            Path here = Path.of(LocalStackProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("local-stack/pom.xml"))) {
                    return p;
                }
            }
        } catch (Exception e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
