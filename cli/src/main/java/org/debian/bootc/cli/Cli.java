package org.debian.bootc.cli;

import java.io.PrintWriter;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import picocli.CommandLine;

/**
 * The exit-code contract on picocli: usage errors are 64 (sysexits' EX_USAGE, not
 * picocli's 2, which here means bad input), a {@link CliException} prints its one
 * line and exits with its code, anything else is a bug and prints its stack trace.
 */
@ApplicationScoped
public class Cli {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return configure(factory.create());
    }

    /** Applies the contract to a command line; tests build theirs with this too. */
    public static CommandLine configure(CommandLine cli) {
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("bootc-compose: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                err.println("(see: " + cmd.getCommandSpec().qualifiedName() + " --help)");
            }
            err.flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (e instanceof CliException failure) {
                err.println("bootc-compose: " + failure.getMessage());
                if (failure instanceof org.debian.bootc.cli.client.PlannerClient.Rejected rejected) {
                    rejected.violations().forEach(v -> err.println("  " + v));
                }
                err.flush();
                return failure.exitCode();
            }
            err.println("bootc-compose: internal error (a bug, please report it): " + e);
            e.printStackTrace(err);
            err.flush();
            return ExitCodes.SOFTWARE;
        });
        cli.setExitCodeExceptionMapper(e -> e instanceof CliException c ? c.exitCode() : ExitCodes.SOFTWARE);
        return cli;
    }
}
