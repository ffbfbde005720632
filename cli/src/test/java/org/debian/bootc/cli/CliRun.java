package org.debian.bootc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import picocli.CommandLine;

/** Runs bootc-compose in this JVM, as picocli's CommandLine does in the jar, and keeps what it printed. */
public final class CliRun {

    public final int exit;
    public final String out;
    public final String err;

    private CliRun(int exit, String out, String err) {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    /** With an empty environment and a home directory that has no config file. */
    public static CliRun run(Path home, String... args) {
        return run(Map.of(), home, false, args);
    }

    public static CliRun run(Map<String, String> env, Path home, boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.configure(new CommandLine(new BootcCompose(env, home, () -> terminal, Clock.systemUTC())));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** A run in another thread, whose output can be read while it runs. */
    public static final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final java.util.concurrent.CompletableFuture<CliRun> done;

        Running(Map<String, String> env, Path home, boolean terminal, String... args) {
            CommandLine cli = Cli.configure(new CommandLine(new BootcCompose(env, home, () -> terminal,
                    Clock.systemUTC())));
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            done = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                int exit = cli.execute(args);
                return new CliRun(exit, out.toString(), err.toString());
            });
        }

        public String out() {
            return out.toString();
        }

        public String err() {
            return err.toString();
        }

        /** Waits until the output so far satisfies {@code test}; fails after {@code seconds}. */
        public void awaitOutput(java.util.function.Predicate<String> test, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            while (!test.test(out() + err())) {
                if (System.nanoTime() > deadline || done.isDone()) {
                    throw new AssertionError("output never matched; so far:\n" + out() + "--- err ---\n" + err()
                            + (done.isDone() ? "\n(the command ended: " + done.join().exit + ")" : ""));
                }
                Thread.sleep(50);
            }
        }

        public CliRun await(int seconds) throws Exception {
            return done.get(seconds, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    public static Running start(Map<String, String> env, Path home, String... args) {
        return new Running(env, home, false, args);
    }

    /** A run in another thread, with stdout a terminal or not. */
    public static Running start(Map<String, String> env, Path home, boolean terminal, String... args) {
        return new Running(env, home, terminal, args);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
