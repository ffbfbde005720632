package org.debian.bootc.cli.command;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.debian.bootc.cli.BootcCompose;
import org.debian.bootc.cli.CliException;
import org.debian.bootc.cli.config.CliConfig;
import org.debian.bootc.cli.tail.EventTail;
import org.debian.bootc.cli.watch.ComposeWatcher;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code bootc-compose events tail TOPIC}: the pipeline's topics, readable, as fedora-messaging's tail does. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "The pipeline's Kafka topics, read without joining a consumer group.",
        subcommands = { EventsCommand.Tail.class })
public class EventsCommand implements Runnable {

    @ParentCommand
    BootcCompose root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name an events command: tail");
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = { "Print a topic's events, one line each: time, type, key and the payload's main fields. "
                    + "A record that is not a valid event prints INVALID and the reason; a .dlq topic prints the "
                    + "dead-letter reason.",
                    "Runs until interrupted, unless --count or --to-end says when to stop." })
    public static class Tail implements Callable<Integer> {
        @ParentCommand
        EventsCommand parent;

        @Parameters(index = "0", paramLabel = "TOPIC",
                description = "e.g. compose-status, task-status, build-tasks.amd64, compose-requested.dlq")
        String topic;

        @Option(names = "--compose", paramLabel = "COMPOSE_ID",
                description = "Only events of this compose (its composeId field, or its key).")
        String compose;

        @Option(names = "--from-beginning", description = "Start at the oldest event kept, not at the end.")
        boolean fromBeginning;

        @Option(names = { "-n", "--count" }, paramLabel = "N", description = "Stop after N events.")
        Integer count;

        @Option(names = "--to-end", description = "Stop at the end of the topic as it was when the command started.")
        boolean toEnd;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up (exit 3) after this long.")
        Long timeout;

        @Override
        public Integer call() {
            BootcCompose root = parent.root;
            EventTail.checkTopic(topic);
            if (compose != null) {
                ComposeWatcher.composeId(compose);
            }
            if (count != null && count < 1) {
                throw CliException.badInput("--count " + count + " must be at least 1");
            }
            if (timeout != null && timeout < 1) {
                throw CliException.badInput("--timeout " + timeout + " must be at least 1 second");
            }
            CliConfig config = root.config();
            return new EventTail(config.kafka(), root.out(), root.err()).tail(topic, compose, fromBeginning, count, toEnd,
                    timeout == null ? null : Duration.ofSeconds(timeout));
        }
    }
}
