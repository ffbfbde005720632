package org.debian.bootc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** Parsing, help and the exit codes of bad input that never reaches a service. */
class CommandLineTest {

    @TempDir
    Path home;

    /** Every command path, e.g. [compose, submit]. */
    private static List<List<String>> commands(CommandLine cli, List<String> prefix, List<List<String>> into) {
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            List<String> path = new ArrayList<>(prefix);
            path.add(e.getKey());
            into.add(path);
            commands(e.getValue(), path, into);
        }
        return into;
    }

    @Test
    void everyCommandHasHelpWithADescription() {
        CommandLine cli = new CommandLine(new BootcCompose(Map.of(), home, () -> false, Clock.systemUTC()));
        List<List<String>> all = commands(cli, List.of(), new ArrayList<>());
        assertTrue(all.size() >= 14, "commands: " + all);
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun run = CliRun.run(home, args.toArray(String[]::new));
            assertEquals(0, run.exit, path + ": " + run);
            assertTrue(run.out.startsWith("Usage: bootc-compose " + String.join(" ", path)), path + ": " + run.out);
            String[] lines = run.out.split("\n");
            assertTrue(lines.length > 3, path + " has no description: " + run.out);
        }
        CliRun top = CliRun.run(home, "--help");
        assertTrue(top.out.contains("Exit codes:") && top.out.contains("64") && top.out.contains("BOOTC_TOKEN"), top.out);
    }

    @Test
    void usageErrorsExit64() {
        CliRun noCommand = CliRun.run(home);
        assertEquals(ExitCodes.USAGE, noCommand.exit, noCommand.toString());
        assertTrue(noCommand.err.contains("name a command"), noCommand.err);

        CliRun unknown = CliRun.run(home, "compose", "frobnicate");
        assertEquals(ExitCodes.USAGE, unknown.exit, unknown.toString());
        assertTrue(unknown.err.contains("frobnicate"), unknown.err);

        CliRun missing = CliRun.run(home, "compose", "watch");
        assertEquals(ExitCodes.USAGE, missing.exit, missing.toString());
        assertTrue(missing.err.contains("COMPOSE_ID"), missing.err);

        CliRun badOption = CliRun.run(home, "task", "list", "--colour");
        assertEquals(ExitCodes.USAGE, badOption.exit, badOption.toString());

        CliRun notANumber = CliRun.run(home, "compose", "watch", "minimal-1-20250131.n.0", "--timeout", "soon");
        assertEquals(ExitCodes.USAGE, notANumber.exit, notANumber.toString());
        assertTrue(notANumber.err.contains("soon"), notANumber.err);
    }

    @Test
    void malformedComposeIdIsBadInputNamingTheValue() {
        for (String[] args : new String[][] { { "compose", "watch", "minimal-1" }, { "compose", "show", "x y" },
                { "compose", "cancel", "minimal-1-20251399.n.0" }, { "task", "list", "--compose", "nope" },
                { "events", "tail", "compose-status", "--compose", "nope" } }) {
            CliRun run = CliRun.run(home, args);
            assertEquals(ExitCodes.BAD_INPUT, run.exit, String.join(" ", args) + ": " + run);
            assertTrue(run.err.contains("compose id") && run.err.contains("is not valid"), run.err);
        }
        CliRun calendar = CliRun.run(home, "compose", "show", "minimal-1-20251399.n.0");
        assertTrue(calendar.err.contains("20251399 is not a calendar date"), calendar.err);
    }

    @Test
    void unknownTaskStatusIsBadInput() {
        CliRun run = CliRun.run(home, "task", "list", "--status", "finished");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("--status 'finished' is not a task status: pending, blocked, running, completed"),
                run.err);
    }

    @Test
    void badArchitectureIsBadInput() {
        CliRun run = CliRun.run(home, "task", "list", "--arch", "AMD 64");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("'AMD 64' is not a Debian architecture name"), run.err);
    }

    @Test
    void badTaskIdIsBadInput() {
        CliRun spaces = CliRun.run(home, "task", "retry", "a task");
        assertEquals(ExitCodes.BAD_INPUT, spaces.exit, spaces.toString());
        assertTrue(spaces.err.contains("task id") && spaces.err.contains("'a task'"), spaces.err);
    }

    @Test
    void unknownTopicIsBadInputListingTheTopics() {
        CliRun run = CliRun.run(home, "events", "tail", "compose-stats");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("topic 'compose-stats' is not a topic") && run.err.contains("compose-status"),
                run.err);
    }

    @Test
    void missingManifestIsBadInputBeforeAnyService() {
        CliRun run = CliRun.run(home, "compose", "submit", home.resolve("nope.yaml").toString(), "--planner",
                "http://127.0.0.1:9");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("nope.yaml': no such file"), run.err);
    }

    @Test
    void badProgressValueIsBadInput() {
        CliRun run = CliRun.run(home, "compose", "watch", "minimal-1-20250131.n.0", "--progress", "fancy");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("--progress 'fancy'"), run.err);
    }

    @Test
    void globalOptionsWorkAfterTheSubcommandAndNameTheirOrigin() {
        // Port 9 (discard) is closed here: the planner is unreachable, and the message says which flag named it.
        CliRun after = CliRun.run(home, "compose", "show", "minimal-1-20250131.n.0", "--planner", "http://127.0.0.1:9");
        assertEquals(ExitCodes.UNREACHABLE, after.exit, after.toString());
        assertTrue(after.err.contains("http://127.0.0.1:9 (from --planner)"), after.err);
        CliRun before = CliRun.run(home, "--planner", "http://127.0.0.1:9", "compose", "show", "minimal-1-20250131.n.0");
        assertEquals(ExitCodes.UNREACHABLE, before.exit, before.toString());
        CliRun env = CliRun.run(Map.of("BOOTC_PLANNER_URL", "http://127.0.0.1:9"), home, false, "compose", "show",
                "minimal-1-20250131.n.0");
        assertTrue(env.err.contains("(from BOOTC_PLANNER_URL)"), env.err);
        assertFalse(env.err.contains("Exception"), env.err);
    }

    @Test
    void badConfigurationIsBadInput() {
        CliRun run = CliRun.run(Map.of("BOOTC_PLANNER_URL", "planner:8081"), home, false, "compose", "show",
                "minimal-1-20250131.n.0");
        assertEquals(ExitCodes.BAD_INPUT, run.exit, run.toString());
        assertTrue(run.err.contains("planner URL 'planner:8081' (from BOOTC_PLANNER_URL)"), run.err);
    }
}
