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

    @Override
    public String toString() {
        return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
}
