package org.debian.bootc.executor.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One invocation of an external program.
 *
 * @param argv program and arguments; the program is looked up on {@code PATH}
 * @param environment variables added to (or replacing those of) this JVM's environment
 * @param timeout how long it may run before it and its descendants are killed
 * @param stdin when present, the file the program reads as standard input; otherwise /dev/null
 */
public record Command(List<String> argv, Map<String, String> environment, Duration timeout, Optional<Path> stdin) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        Objects.requireNonNull(stdin, "stdin");
    }

    public static Command of(String... argv) {
        return of(Arrays.asList(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), DEFAULT_TIMEOUT, Optional.empty());
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, environment, limit, stdin);
    }

    public Command withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(variables);
        return new Command(argv, merged, timeout, stdin);
    }

    /** The program's file name, for messages. */
    public String program() {
        return Path.of(argv.get(0)).getFileName().toString();
    }
}
