package org.debian.bootc.cli.command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.debian.bootc.cli.BootcCompose;
import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.stack.LocalStackProcess;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bootc-compose stack up | down}: the local stack's Kafka broker and PostgreSQL. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = { "Start or stop the local stack: a real Kafka broker (KRaft) and PostgreSQL from the "
                + "local-stack jar, data in .stack/ at the repository root, pid in .stack/local-stack.pid.",
                "The services themselves are started by bin/deb-bootc-compose." },
        subcommands = { StackCommand.Up.class, StackCommand.Down.class })
public class StackCommand implements Runnable {

    @ParentCommand
    BootcCompose root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a stack command: up or down");
    }

    /** Where the stack keeps its data. */
    public static class DataOption {
        @Option(names = "--data", paramLabel = "DIR",
                description = "The stack's data directory (default: .stack at the repository root).")
        Path data;

        Path data() {
            return data != null ? data : LocalStackProcess.root().resolve(".stack");
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start Kafka and PostgreSQL in the background and wait until they answer; prints the "
                    + "READY line with their addresses. Does nothing if the stack already runs.")
    public static class Up implements Callable<Integer> {
        @ParentCommand
        StackCommand parent;

        @picocli.CommandLine.Mixin
        DataOption data;

        @Option(names = "--jar", paramLabel = "FILE", description = "The local-stack runner jar (default: "
                + "local-stack/target/local-stack-<version>-runner.jar at the repository root).")
        Path jar;

        @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "19092",
                description = "Kafka's port on localhost (default ${DEFAULT-VALUE}; 0: any free port).")
        int kafkaPort;

        @Option(names = "--postgres-port", paramLabel = "PORT", defaultValue = "15432",
                description = "PostgreSQL's port on localhost (default ${DEFAULT-VALUE}; 0: any free port).")
        int postgresPort;

        @Option(names = "--databases", paramLabel = "A,B", defaultValue = "planner,scheduler",
                description = "Databases to create (default ${DEFAULT-VALUE}).")
        String databases;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
                description = "How long to wait for READY (default ${DEFAULT-VALUE} s).")
        long timeout;

        @Override
        public Integer call() {
            for (int port : new int[] { kafkaPort, postgresPort }) {
                if (port < 0 || port > 65535) {
                    throw CliException.badInput("port " + port + " is not between 0 and 65535");
                }
            }
            if (!databases.matches("[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*")) {
                throw CliException.badInput("--databases '" + databases
                        + "' is not a comma-separated list of names (letters, digits, _)");
            }
            Path runner = jar != null ? jar
                    : LocalStackProcess.root().resolve("local-stack/target/local-stack-" + version()
                            + "-runner.jar");
            return new LocalStackProcess(data.data(), parent.root.out()).up(runner, kafkaPort, postgresPort,
                    databases, Duration.ofSeconds(Math.max(1, timeout)));
        }

        private static String version() {
            String v = Up.class.getPackage().getImplementationVersion();
            return v == null ? "0.1.0-SNAPSHOT" : v;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop the stack 'stack up' started (SIGTERM: Kafka shuts down cleanly); data is kept.")
    public static class Down implements Callable<Integer> {
        @ParentCommand
        StackCommand parent;

        @picocli.CommandLine.Mixin
        DataOption data;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "How long to wait before killing it (default ${DEFAULT-VALUE} s).")
        long timeout;

        @Override
        public Integer call() {
            return new LocalStackProcess(data.data(), parent.root.out()).down(Duration.ofSeconds(Math.max(1, timeout)));
        }
    }
}
