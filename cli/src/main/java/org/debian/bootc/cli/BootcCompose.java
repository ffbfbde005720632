package org.debian.bootc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.debian.bootc.cli.client.PlannerClient;
import org.debian.bootc.cli.client.SchedulerClient;
import org.debian.bootc.cli.command.ComposeCommand;
import org.debian.bootc.cli.command.EventsCommand;
import org.debian.bootc.cli.command.StackCommand;
import org.debian.bootc.cli.command.TaskCommand;
import org.debian.bootc.cli.config.CliConfig;
import org.debian.bootc.cli.config.ConfigResolver;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bootc-compose}: the command line of deb-bootc-compose. The options here
 * are global (accepted before or after any subcommand); the subcommands do the work.
 */
@TopCommand
@Command(name = "bootc-compose", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = { "Submit and follow Debian bootc composes, inspect and retry build tasks, tail the pipeline's "
                + "topics, and start the local stack.", "" },
        subcommands = { ComposeCommand.class, TaskCommand.class, EventsCommand.class, StackCommand.class,
                HelpCommand.class },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = { "0:done; a watched compose ended FINISHED",
                "1:a watched compose ended DOOMED or FINISHED_INCOMPLETE; a followed task did not succeed",
                "2:rejected or bad input (manifest, compose or task id, status, file, token): the message names the "
                        + "field and the value",
                "3:a service or the Kafka broker did not answer, or --timeout passed",
                "64:usage: unknown option or command, missing parameter",
                "70:internal error (a bug; the stack trace is printed)" },
        footerHeading = "%nConfiguration:%n",
        footer = { "Each setting comes from its flag, else the environment (BOOTC_PLANNER_URL, BOOTC_SCHEDULER_URL, "
                + "BOOTC_KAFKA, BOOTC_TOKEN), else the config file (~/.config/deb-bootc-compose/cli.properties or "
                + "--config; keys planner.url, scheduler.url, kafka, token), else the local stack's defaults "
                + "(http://localhost:8081, http://localhost:8082, localhost:19092)." })
public class BootcCompose implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--planner", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "compose-planner's base URL (env BOOTC_PLANNER_URL; default http://localhost:8081).")
    String planner;

    @Option(names = "--scheduler", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "task-scheduler's base URL (env BOOTC_SCHEDULER_URL; default http://localhost:8082).")
    String scheduler;

    @Option(names = "--kafka", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers (env BOOTC_KAFKA; default localhost:19092).")
    String kafka;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "task-scheduler's API token for cancel and retry (env BOOTC_TOKEN).")
    String token;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Config file (default ~/.config/deb-bootc-compose/cli.properties, used if it exists).")
    Path config;

    @Option(names = "--http-timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for one REST answer (default ${DEFAULT-VALUE} s; a submit waits at "
                    + "least 10 minutes: the planner resolves the package set against the archive before it answers).")
    long httpTimeout;

    private final Map<String, String> env;
    private final Path home;
    private final BooleanSupplier terminal;
    private final Clock clock;

    public BootcCompose() {
        this(System.getenv(), Path.of(System.getProperty("user.home")), () -> System.console() != null,
                Clock.systemUTC());
    }

    /** For tests: the environment, home directory, terminal check and clock to use. */
    public BootcCompose(Map<String, String> env, Path home, BooleanSupplier terminal, Clock clock) {
        this.env = env;
        this.home = home;
        this.terminal = terminal;
        this.clock = clock;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command: compose, task, events or stack"
                + " (bootc-compose --help lists them)");
    }

    /** The resolved configuration; bad values are exit 2 naming where they came from. */
    public CliConfig config() {
        if (httpTimeout < 1) {
            throw CliException.badInput("--http-timeout " + httpTimeout + " must be at least 1 second");
        }
        return new ConfigResolver(env, home).resolve(new ConfigResolver.Flags(planner, scheduler, kafka, token, config));
    }

    public PlannerClient planner(CliConfig config) {
        return new PlannerClient(config.planner(), Duration.ofSeconds(httpTimeout));
    }

    public SchedulerClient scheduler(CliConfig config) {
        return new SchedulerClient(config.scheduler(), config.token(), Duration.ofSeconds(httpTimeout));
    }

    public boolean terminal() {
        return terminal.getAsBoolean();
    }

    public Clock clock() {
        return clock;
    }

    public Map<String, String> env() {
        return env;
    }

    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    public PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
