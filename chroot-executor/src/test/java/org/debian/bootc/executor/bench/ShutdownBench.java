package org.debian.bootc.executor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.debian.bootc.events.BuildTaskDispatched;
import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.ComposeType;
import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.EventType;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.SourcePackage;
import org.debian.bootc.events.Topics;
import org.debian.bootc.executor.service.TestSources;
import org.debian.bootc.executor.service.TestWorkspace;
import org.debian.bootc.localstack.test.TopicProbe;

/**
 * SIGTERM to the packaged executor while a build runs (docs/benchmarks.md): a local
 * stack (the local-stack runner jar, on free ports) and the executor jar as separate
 * processes, a task whose {@code debian/rules} sleeps 300 s, then {@code kill -TERM}
 * once the build step runs; measured from the signal to the executor's exit, and
 * checked: no process left in the build's PID namespace, no buildroot left, and
 * whether {@code package-built} said so. Arguments: the executor's
 * {@code quarkus-run.jar}, the local-stack runner jar, runs (default 3). The state
 * directory is the ITs' {@code target/it-state} (its base chroot is reused).
 */
public final class ShutdownBench {

    private static final EventCodec CODEC = new EventCodec();

    private ShutdownBench() {
    }

    public static void main(String[] args) throws Exception {
        Path executorJar = Path.of(args[0]).toAbsolutePath();
        Path stackJar = Path.of(args[1]).toAbsolutePath();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path data = Files.createTempDirectory("shutdown-bench-stack");
        Process stack = new ProcessBuilder("java", "-jar", stackJar.toString(), "--data", data.toString(),
                "--kafka-port", "0", "--postgres-port", "0").redirectErrorStream(true).start();
        try {
            String kafka = awaitLine(stack, "READY kafka=", Duration.ofMinutes(2)).split("\\s+")[1]
                    .substring("kafka=".length());
            List<Long> millis = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                millis.add(once(run, kafka, executorJar));
            }
            Collections.sort(millis);
            System.out.printf("%nSIGTERM → exit, %d runs: median %d ms, min %d ms, max %d ms%n", runs,
                    millis.get(millis.size() / 2), millis.get(0), millis.get(millis.size() - 1));
        } finally {
            stack.destroy();
            stack.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static long once(int run, String kafka, Path executorJar) throws Exception {
        String id = "shutdown-bench";
        Path buildroots = TestWorkspace.STATE.resolve("buildroots").resolve(id);
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", executorJar.toString()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka, "BOOTC_EXECUTOR_STATE_DIR",
                TestWorkspace.STATE.toString(), "BOOTC_EXECUTOR_ID", id, "QUARKUS_HTTP_PORT", "0"));
        Process executor = builder.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(executor.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains(" started in ")) {
                        started.complete(line);
                    }
                }
            } catch (IOException e) {
                started.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        started.get(3, TimeUnit.MINUTES);
        String marker = "shutdown-bench-" + UUID.randomUUID();
        Path work = Files.createTempDirectory("shutdown-bench");
        SourcePackage sleeper = TestSources.nativePackage(work, "bootc-bench-sleeper", "",
                List.of("sh -c 'sleep 300; : " + marker + "'"));
        BuildTaskDispatched task = task(sleeper);
        try (TopicProbe built = new TopicProbe(kafka, Topics.PACKAGE_BUILT);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(CODEC.encode(task, "/bench/shutdown").toProducerRecord()).get();
            ProcessHandle sleeping = awaitProcess(marker, Duration.ofMinutes(10));
            String pidNamespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(sleeping.pid()), "ns", "pid"))
                    .toString();
            long signalled = System.nanoTime();
            executor.destroy(); // SIGTERM
            boolean exited = executor.waitFor(5, TimeUnit.MINUTES);
            long ms = Duration.ofNanos(System.nanoTime() - signalled).toMillis();
            if (!exited) {
                executor.destroyForcibly();
            }
            Optional<PackageBuilt> reported;
            try {
                var record = built.await(r -> task.taskId().value().equals(r.key()), Duration.ofSeconds(5));
                reported = Optional.of(CODEC.decode(EventType.PACKAGE_BUILT, record.headers(), record.value()).payload());
            } catch (AssertionError e) {
                reported = Optional.empty();
            }
            int left = inNamespace(pidNamespace);
            long buildrootsLeft;
            try (Stream<Path> dirs = Files.list(buildroots)) {
                buildrootsLeft = dirs.count();
            }
            System.out.printf("run %d: exit %d ms after SIGTERM (status %s); package-built: %s; processes left in the "
                    + "build's PID namespace: %d; buildroots left: %d%n", run, ms, exited ? executor.exitValue() : "none",
                    reported.map(p -> p.result().wireName() + " / " + lastLine(p.logTail())).orElse("none"), left,
                    buildrootsLeft);
            if (left > 0) {
                sleeping.destroyForcibly();
            }
            return ms;
        }
    }

    /** The log's {@code Status:} line. */
    private static String lastLine(String tail) {
        return tail == null ? "" : tail.lines().filter(l -> l.startsWith("Status:")).findFirst().orElse("");
    }

    private static BuildTaskDispatched task(SourcePackage source) throws Exception {
        return TestSources.hostTask(ComposeId.of("bench", "1", LocalDate.now(), ComposeType.TEST, 0), source);
    }

    private static String awaitLine(Process process, String prefix, Duration limit) throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(prefix)) {
                        found.complete(line);
                    }
                }
                found.completeExceptionally(new IllegalStateException("the local stack ended without " + prefix));
            } catch (IOException e) {
                found.completeExceptionally(e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        return found.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ProcessHandle awaitProcess(String marker, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(marker)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the build step never ran " + marker);
    }

    private static int inNamespace(String pidNamespace) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return (int) procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).filter(p -> {
                try {
                    return Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(pidNamespace);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
