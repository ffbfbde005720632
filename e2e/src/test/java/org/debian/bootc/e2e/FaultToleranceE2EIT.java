package org.debian.bootc.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * Faults during a compose of 24 real (small, {@code Architecture: all}) source packages with a
 * dependency graph, on the real broker, database, registry and Debian tools, the four services as
 * separate processes: each service is killed with SIGKILL once at a random moment while it has
 * work (and started again, as Kubernetes restarts a container), and the broker is restarted in
 * the middle. The compose must finish with its image pushed, each task with exactly one effective
 * successful attempt, no artifact stored twice, and no build process of the killed executor left.
 *
 * <p>The moments come from a seeded random generator; the seed is printed and
 * {@code -Dfaults.seed=N} replays a run's choices.
 */
class FaultToleranceE2EIT {

    private static final int PACKAGES = 24;
    private static final Path WORK = Host.ROOT.resolve("e2e/target/faults");
    private static final String COMPLETED = "completed";

    private final List<String> journal = new ArrayList<>();
    private Instant started;

    @Test
    void aComposeFinishesThroughAKilledInstanceOfEachServiceAndABrokerRestart() throws Exception {
        Host.requirePackagedServices();
        Host.deleteTree(WORK);
        Files.createDirectories(WORK);
        long seed = Long.getLong("faults.seed", System.nanoTime());
        Random random = new Random(seed);
        note("seed " + seed + " (replay with -Dfaults.seed=" + seed + ")");

        List<FaultSources.Source> sources = FaultSources.make(Files.createDirectories(WORK.resolve("sources")),
                PACKAGES);
        try (Registry registry = Registry.start(WORK.resolve("registry"));
                Pipeline pipeline = new Pipeline(WORK.resolve("stack"), Map.of(
                        // a lost executor's task comes back after a minute, not after the default five
                        "task-scheduler", Map.of("BOOTC_SCHEDULER_LEASE", "60s"),
                        // an image of the package set alone: no kernel to wait for
                        "artifact-publisher", Map.of("BOOTC_PUBLISHER_REQUIRE_KERNEL", "false")))) {
            Path manifest = WORK.resolve("faults.yaml");
            Files.writeString(manifest, "name: faults\nversion: \"1\"\ntype: test\nsuite: " + hostSuite()
                    + "\narchitectures: [amd64]\npackages:\n  - hello\n" + FaultSources.rebuildYaml(sources)
                    + "image:\n  repository: localhost:" + registry.port() + "/debian-bootc/faults\n");
            pipeline.start();
            started = Instant.now();
            Process submit = pipeline.submit(manifest, Duration.ofMinutes(45));
            Faults faults = new Faults(pipeline, submit);

            // the planner: while it plans (the request arrives at once; planning takes seconds)
            Thread.sleep(500 + random.nextInt(8000));
            faults.killAndRestart("compose-planner", "planning");

            // the scheduler, with a few tasks done
            int k1 = 2 + random.nextInt(5);
            faults.awaitTasks("at least " + k1 + " tasks completed", tasks -> count(tasks, COMPLETED) >= k1);
            faults.killAndRestart("task-scheduler", count(faults.tasks, COMPLETED) + " tasks completed");

            // the broker, in the middle
            int k2 = 9 + random.nextInt(4);
            faults.awaitTasks("at least " + k2 + " tasks completed", tasks -> count(tasks, COMPLETED) >= k2);
            pipeline.restartBroker();
            note("restarted the broker, " + count(faults.tasks, COMPLETED) + " tasks completed");

            // the executor, while it builds
            int k3 = 15 + random.nextInt(5);
            faults.awaitTasks("at least " + k3 + " tasks completed and one running",
                    tasks -> count(tasks, COMPLETED) >= k3 && count(tasks, "running") > 0);
            Thread.sleep(random.nextInt(2500));
            List<ProcessHandle> builds = pipeline.descendants("chroot-executor");
            faults.killAndRestart("chroot-executor", count(faults.tasks, COMPLETED) + " tasks completed, a build running"
                    + " (" + builds.size() + " build processes)");

            // the publisher, while it publishes
            faults.awaitLog("artifact-publisher", "full publish of");
            Thread.sleep(1000 + random.nextInt(15000));
            List<ProcessHandle> tools = pipeline.descendants("artifact-publisher");
            faults.killAndRestart("artifact-publisher", "publishing (" + tools.size() + " tool processes)");

            assertTrue(submit.waitFor(45, TimeUnit.MINUTES), "the compose did not end");
            String output = Files.readString(pipeline.logs().resolve("submit.log"));
            note("compose ended, bootc-compose exit " + submit.exitValue());
            assertEquals(0, submit.exitValue(), "the compose did not finish:\n" + output + "\n" + journal
                    + Host.logTails(pipeline.logs()));
            assertTrue(output.contains("amd64: ostree ref debian/" + hostSuite() + "/amd64/faults commit "), output);
            assertEquals(200, registry.status("/v2/debian-bootc/faults/manifests/1"), "the image is not in the registry");

            try {
                checkEachTaskHasOneEffectiveSuccess(pipeline);
                checkNoArtifactStoredTwice(pipeline.dir().resolve("executor/artifacts/sha256"));
                checkNoReportedAttemptBuiltAgain(pipeline.logs().resolve("chroot-executor.log"));
                // the killed executor's builds died with it (their PID namespaces went with their holders)
                // nor did the killed publisher's tools (mmdebstrap and what it ran), nor their mounts
                for (ProcessHandle tool : tools) {
                    assertTrue(!tool.isAlive(), "a tool of the killed publisher outlived it: " + tool.pid() + " "
                            + tool.info().commandLine().orElse(""));
                }
                List<String> mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                        .map(l -> l.split(" ")[1]).filter(m -> m.startsWith(WORK + "/")).toList();
                assertEquals(List.of(), mounted, "left mounted by a killed service");
                for (ProcessHandle build : builds) {
                    assertTrue(!build.isAlive(), "a build process of the killed executor outlived it: " + build.pid()
                            + " " + build.info().commandLine().orElse(""));
                }
            } finally {
                System.out.println(String.join("\n", journal));
            }
        }
    }

    /** Every task completed with success, by exactly one applied successful attempt. */
    private void checkEachTaskHasOneEffectiveSuccess(Pipeline pipeline) throws Exception {
        JsonNode composes = pipeline.json("task-scheduler", "/api/composes").orElseThrow();
        assertEquals(1, composes.size(), composes.toString());
        String composeId = composes.get(0).path("composeId").asText();
        JsonNode detail = pipeline.json("task-scheduler", "/api/composes/" + composeId).orElseThrow();
        JsonNode tasks = detail.path("tasks");
        assertEquals(PACKAGES, tasks.size(), "tasks: " + tasks);
        Map<String, Integer> attempts = new TreeMap<>();
        for (JsonNode t : tasks) {
            String id = t.path("taskId").asText();
            JsonNode task = pipeline.json("task-scheduler", "/api/tasks/" + id).orElseThrow();
            assertEquals(COMPLETED, task.path("task").path("status").asText(), id + ": " + task);
            assertEquals("success", task.path("task").path("result").asText(), id + ": " + task);
            long effective = 0;
            for (JsonNode a : task.path("attempts")) {
                if ("success".equals(a.path("result").asText()) && a.path("applied").asBoolean()) {
                    effective++;
                }
            }
            assertEquals(1, effective, id + " has not exactly one effective successful attempt: " + task.path("attempts"));
            attempts.put(t.path("source").asText(), task.path("attempts").size());
        }
        note("attempts per task: " + attempts);
    }

    /**
     * An attempt the executor finished and reported is not built again when Kafka hands its task over again
     * (the executor was killed before the offset commit): one {@code success in} line per attempt.
     */
    private void checkNoReportedAttemptBuiltAgain(Path executorLog) throws Exception {
        Map<String, Long> finished = new TreeMap<>();
        Pattern done = Pattern.compile("task (\\S+) attempt (\\d+): \\w+ in \\d+ ms");
        for (String line : Files.readAllLines(executorLog)) {
            Matcher m = done.matcher(line);
            if (m.find()) {
                finished.merge(m.group(1) + " attempt " + m.group(2), 1L, Long::sum);
            }
        }
        assertEquals(PACKAGES, finished.keySet().stream().filter(k -> k.contains(":bootc-fault-")).map(
                k -> k.substring(0, k.indexOf(" attempt"))).distinct().count(), "builds seen: " + finished);
        finished.forEach((attempt, n) -> assertEquals(1L, n, attempt + " was built " + n + " times"));
        note("resent without a rebuild: " + Files.readAllLines(executorLog).stream()
                .filter(l -> l.contains("already built here")).count() + " attempt(s)");
    }

    /** The content-addressed store holds each built package once. */
    private void checkNoArtifactStoredTwice(Path store) throws Exception {
        Map<String, List<Path>> debs = new TreeMap<>();
        try (Stream<Path> files = Files.walk(store)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Process p = new ProcessBuilder("dpkg-deb", "--showformat=${Package}_${Version}_${Architecture}",
                        "--show", file.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String id = new String(p.getInputStream().readAllBytes()).strip();
                if (p.waitFor() == 0 && !id.isEmpty()) { // logs, .buildinfo and .changes are not packages
                    debs.computeIfAbsent(id, k -> new ArrayList<>()).add(file);
                }
            }
        }
        for (int i = 0; i < PACKAGES; i++) {
            String id = FaultSources.name(i) + "_1.0_all";
            assertEquals(1, debs.getOrDefault(id, List.of()).size(), id + " is stored " + debs.get(id));
        }
        debs.forEach((id, copies) -> assertEquals(1, copies.size(), id + " is stored twice: " + copies));
    }

    private static long count(JsonNode tasks, String status) {
        long n = 0;
        for (JsonNode t : tasks) {
            if (status.equals(t.path("status").asText())) {
                n++;
            }
        }
        return n;
    }

    private static String hostSuite() throws Exception {
        return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("VERSION_CODENAME="))
                .map(l -> l.substring("VERSION_CODENAME=".length()).replace("\"", "")).findFirst().orElseThrow();
    }

    private void note(String what) {
        long s = started == null ? 0 : Duration.between(started, Instant.now()).toSeconds();
        journal.add("T+" + s + "s " + what);
    }

    /** Waits on the compose's progress and does the kills, failing with the journal and the logs. */
    private final class Faults {
        private final Pipeline pipeline;
        private final Process submit;
        private JsonNode tasks;

        Faults(Pipeline pipeline, Process submit) {
            this.pipeline = pipeline;
            this.submit = submit;
        }

        void killAndRestart(String service, String moment) throws Exception {
            pipeline.kill(service);
            note("SIGKILL " + service + " (" + moment + ")");
            pipeline.startService(service);
            pipeline.awaitReady(service);
            note(service + " ready again");
        }

        /** Polls the scheduler's view of the compose's tasks (it may be restarting) until {@code until} holds. */
        void awaitTasks(String what, Predicate<JsonNode> until) throws Exception {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
            while (Instant.now().isBefore(deadline)) {
                alive(what);
                Optional<JsonNode> composes = pipeline.json("task-scheduler", "/api/composes");
                if (composes.isPresent() && composes.get().size() == 1) {
                    Optional<JsonNode> detail = pipeline.json("task-scheduler", "/api/composes/"
                            + composes.get().get(0).path("composeId").asText());
                    if (detail.isPresent() && until.test(detail.get().path("tasks"))) {
                        tasks = detail.get().path("tasks");
                        return;
                    }
                }
                Thread.sleep(250);
            }
            failWithLogs("no " + what + " in 30 minutes");
        }

        void awaitLog(String service, String text) throws Exception {
            Path log = pipeline.logs().resolve(service + ".log");
            Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
            while (Instant.now().isBefore(deadline)) {
                alive(service + " logging '" + text + "'");
                if (Files.readString(log).contains(text)) {
                    return;
                }
                Thread.sleep(250);
            }
            failWithLogs("no '" + text + "' in " + log + " in 30 minutes");
        }

        private void alive(String what) throws Exception {
            if (!submit.isAlive()) {
                failWithLogs("the compose ended (exit " + submit.exitValue() + ") while waiting for " + what);
            }
        }

        private void failWithLogs(String why) throws Exception {
            fail(why + "\n" + String.join("\n", journal) + "\n--- submit.log\n"
                    + Files.readString(pipeline.logs().resolve("submit.log")) + Host.logTails(pipeline.logs()));
        }
    }
}
