package org.debian.bootc.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Start-up benchmark (not a test): how long until each server answers, over N runs, median/min/max in ms.
 *
 * <pre>
 * mvn -B -q -pl local-stack install -DskipTests
 * mvn -B -q -pl local-stack dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 * java -cp local-stack/target/test-classes:local-stack/target/classes:$(cat local-stack/target/test.cp) \
 *     org.debian.bootc.localstack.StackStartupBench 5
 * </pre>
 *
 * "Ready" is what the classes promise: Kafka answers an Admin describeCluster, PostgreSQL answers
 * {@code SELECT 1} over JDBC. Cold runs are fresh JVMs (what {@code java -jar} and a test JVM pay once);
 * warm runs repeat in one JVM (what {@link EmbeddedKafka#restart()} and later starts pay). Debian's own
 * PostgreSQL ({@code initdb} + {@code pg_ctl start -w} as user postgres, same flags as zonky) is measured
 * the same way when it is installed.
 */
public final class StackStartupBench {

    private final int runs;
    private final String classPath = System.getProperty("java.class.path");
    private final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final Path work;

    private StackStartupBench(int runs) throws IOException {
        this.runs = runs;
        this.work = Files.createTempDirectory("stack-bench-");
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], Path.of(args[2]));
            return;
        }
        LocalStack.configureLogging(false);
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        StackStartupBench b = new StackStartupBench(runs);
        try {
            b.run(args.length > 1 && args[1].equals("jar-only"));
        } finally {
            deleteTree(b.work);
        }
    }

    private void run(boolean jarOnly) throws Exception {
        System.out.printf(Locale.ROOT, "runs=%d  cores=%d  java=%s %s%n%n", runs, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        System.out.println("| what | median ms | min ms | max ms |");
        System.out.println("|---|---:|---:|---:|");
        if (jarOnly) {
            jarOrSkip();
            return;
        }

        // Kafka, cold JVM: a new JVM per run; the figure is EmbeddedKafka.start() (format + start + ready),
        // and the JVM's uptime when it was ready.
        List<Long> coldFresh = new ArrayList<>();
        List<Long> coldFreshUptime = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long[] r = childRun("kafka", work.resolve("kafka-cold-" + i));
            coldFresh.add(r[0]);
            coldFreshUptime.add(r[1]);
        }
        row("Kafka, new JVM, empty dir: `EmbeddedKafka.start` (format + start) to ready", coldFresh);
        row("Kafka, new JVM, empty dir: JVM launch to ready", coldFreshUptime);
        List<Long> coldReuse = new ArrayList<>();
        List<Long> coldReuseUptime = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long[] r = childRun("kafka", work.resolve("kafka-cold-0")); // formatted, holds __cluster_metadata
            coldReuse.add(r[0]);
            coldReuseUptime.add(r[1]);
        }
        row("Kafka, new JVM, existing dir: `EmbeddedKafka.start` to ready", coldReuse);
        row("Kafka, new JVM, existing dir: JVM launch to ready", coldReuseUptime);

        // Kafka, warm JVM.
        EmbeddedKafka.start(work.resolve("kafka-warmup"), 0).close();
        List<Long> warmFresh = new ArrayList<>();
        List<Long> warmStop = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            EmbeddedKafka k = EmbeddedKafka.start(work.resolve("kafka-warm-" + i), 0);
            warmFresh.add(ms(t0));
            t0 = System.nanoTime();
            k.close();
            warmStop.add(ms(t0));
        }
        row("Kafka, same JVM, empty dir: `EmbeddedKafka.start` to ready", warmFresh);
        row("Kafka, same JVM: `stop()` (controlled shutdown)", warmStop);
        List<Long> restarts = new ArrayList<>();
        try (EmbeddedKafka k = EmbeddedKafka.start(work.resolve("kafka-restart"), 0)) {
            k.createTopics(List.of("a", "b", "c"), 3);
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                k.restart();
                restarts.add(ms(t0));
            }
        }
        row("Kafka, same JVM: `restart()` (stop + start, same port and data, 3 topics)", restarts);

        // PostgreSQL via zonky, in this JVM (the server is a child process either way).
        EmbeddedPostgresServer.start(work.resolve("pg-warmup"), 0).close(); // unpacks the binaries once
        List<Long> pgFresh = new ArrayList<>();
        List<Long> pgReuse = new ArrayList<>();
        List<Long> pgStop = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path dir = work.resolve("pg-" + i);
            long t0 = System.nanoTime();
            EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir, 0);
            select1(pg.jdbcUrl("postgres"));
            pgFresh.add(ms(t0));
            pg.close();
            t0 = System.nanoTime();
            pg = EmbeddedPostgresServer.start(dir, 0);
            select1(pg.jdbcUrl("postgres"));
            pgReuse.add(ms(t0));
            t0 = System.nanoTime();
            pg.close();
            pgStop.add(ms(t0));
        }
        row("PostgreSQL 17.6 (zonky), empty dir: initdb + start to `SELECT 1`", pgFresh);
        row("PostgreSQL 17.6 (zonky), existing dir: start to `SELECT 1`", pgReuse);
        row("PostgreSQL 17.6 (zonky): stop (pg_ctl -m fast)", pgStop);

        Path debianBin = debianPostgresBin();
        if (debianBin != null) {
            debian(debianBin);
        } else {
            System.out.println("| Debian PostgreSQL: not installed, not measured | | | |");
        }

        jarOrSkip();
    }

    /** The runnable jar, if built: process launch to the READY line, then SIGTERM to exit. */
    private void jarOrSkip() throws Exception {
        Path jar = Path.of("local-stack/target").resolve(jarName());
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("target").resolve(jarName());
        }
        if (Files.isRegularFile(jar)) {
            jarRuns(jar);
        } else {
            System.out.println("| `java -jar`: " + jarName() + " not built, not measured | | | |");
        }
    }

    private static String jarName() {
        return "local-stack-0.1.0-SNAPSHOT-runner.jar";
    }

    private void jarRuns(Path jar) throws Exception {
        List<Long> ready = new ArrayList<>();
        List<Long> stop = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long[] r = jarRun(jar, "jar-" + i, List.of());
            ready.add(r[0]);
            stop.add(r[1]);
        }
        row("`java -jar local-stack.jar`, empty dir, 3 topics, 2 databases: launch to READY line", ready);
        row("`java -jar local-stack.jar`: SIGTERM to exit (both servers stopped)", stop);
        // The same with an application class-data sharing archive (JDK 17: dumped by one run at exit).
        Path jsa = work.resolve("local-stack.jsa");
        jarRun(jar, "jar-cds-dump", List.of("-XX:ArchiveClassesAtExit=" + jsa));
        List<Long> cds = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            cds.add(jarRun(jar, "jar-cds-" + i, List.of("-XX:SharedArchiveFile=" + jsa))[0]);
        }
        row("`java -XX:SharedArchiveFile=local-stack.jsa -jar local-stack.jar` (AppCDS), same: launch to READY line", cds);
    }

    /** One run of the jar on a new directory: {launch to READY ms, SIGTERM to exit ms}. */
    private long[] jarRun(Path jar, String name, List<String> jvmArgs) throws Exception {
        Path data = work.resolve(name);
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "--data", data.toString(), "--kafka-port", "0", "--postgres-port", "0",
                "--topics", "compose-requested,compose-status,task-status", "--databases", "planner,scheduler"));
        ProcessBuilder pb = new ProcessBuilder(command);
        Path err = work.resolve(name + ".err");
        pb.redirectError(err.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        String line = firstLine(p, "READY");
        long ready = ms(t0);
        if (line == null) {
            throw new IllegalStateException("no READY from " + jar + ": " + Files.readString(err));
        }
        t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the jar did not stop on SIGTERM");
        }
        return new long[] {ready, ms(t0)};
    }

    private void debian(Path bin) throws Exception {
        String version = bin.getParent().getFileName().toString();
        // Its own tree, owned by postgres (zonky's servers run as root in a user namespace: "unshare -U",
        // which can only reach root's files, so the two must not share a postgres-owned 0700 directory).
        Path debianWork = Files.createTempDirectory("stack-bench-debian-");
        try {
            debianRuns(bin, version, debianWork);
        } finally {
            deleteTree(debianWork);
        }
    }

    private void debianRuns(Path bin, String version, Path debianWork) throws Exception {
        List<Long> fresh = new ArrayList<>();
        List<Long> reuse = new ArrayList<>();
        List<Long> stop = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path dir = debianWork.resolve("debian-pg-" + i);
            Files.createDirectories(dir);
            sh("chown", "-R", "postgres:postgres", debianWork.toString());
            Path data = dir.resolve("data");
            int port = Ports.freePort();
            String opts = "-F -p " + port + " -c listen_addresses=localhost -k " + dir;
            long t0 = System.nanoTime();
            asPostgres(bin.resolve("initdb").toString(), "-A", "trust", "-U", "postgres", "-E", "UTF-8", "-D", data.toString());
            asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", opts, "-l", dir.resolve("log").toString(),
                    "-w", "start");
            select1("jdbc:postgresql://localhost:" + port + "/postgres");
            fresh.add(ms(t0));
            asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
            t0 = System.nanoTime();
            asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-o", opts, "-l", dir.resolve("log").toString(),
                    "-w", "start");
            select1("jdbc:postgresql://localhost:" + port + "/postgres");
            reuse.add(ms(t0));
            t0 = System.nanoTime();
            asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
            stop.add(ms(t0));
        }
        row("Debian PostgreSQL " + version + " (`initdb` + `pg_ctl start -w`, as user postgres), empty dir: to `SELECT 1`", fresh);
        row("Debian PostgreSQL " + version + ", existing dir: `pg_ctl start -w` to `SELECT 1`", reuse);
        row("Debian PostgreSQL " + version + ": `pg_ctl stop -m fast -w`", stop);
    }

    private static Path debianPostgresBin() {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return null;
        }
        try (var s = Files.list(base)) {
            return s.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl"))).sorted().reduce((a, b) -> b)
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static void asPostgres(String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(List.of(command));
        sh(c.toArray(String[]::new));
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + p.exitValue());
        }
    }

    private static void select1(String url) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "postgres");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = new org.postgresql.Driver().connect(url, props); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                return;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }

    /** Runs {@code --child what dir} in a new JVM; returns {start() ms, JVM uptime at ready ms}. */
    private long[] childRun(String what, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", classPath, StackStartupBench.class.getName(), "--child", what,
                dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String line = firstLine(p, "RESULT");
        if (!p.waitFor(120, TimeUnit.SECONDS) || line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("child " + what + " gave no result");
        }
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    }

    private static String firstLine(Process p, String prefix) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null;) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    /** In the child JVM: start, print "RESULT startMs uptimeMs", stop. */
    private static void child(String what, Path dir) {
        LocalStack.configureLogging(false);
        if (!what.equals("kafka")) {
            throw new IllegalArgumentException(what);
        }
        long t0 = System.nanoTime();
        EmbeddedKafka k = EmbeddedKafka.start(dir, 0);
        long start = ms(t0);
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
        System.out.println("RESULT " + start + " " + uptime);
        System.out.flush();
        k.close();
    }

    private static long ms(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    private static void row(String what, List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        Collections.sort(v);
        long median = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %d |%n", what, median, v.get(0), v.get(v.size() - 1));
        System.out.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
