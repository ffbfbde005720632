package org.debian.bootc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.debian.bootc.cli.watch.Events;
import org.debian.bootc.cli.watch.Publish;
import org.debian.bootc.events.ComposeStatus;
import org.debian.bootc.localstack.test.LocalStackTestResource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The packaged fast-jar, run as a user runs it ({@code java -jar quarkus-run.jar}): the
 * picocli extension's CDI wiring, the exit-code contract in it, and a command on the
 * real broker.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATASOURCE, value = "none"))
class JarIT {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
    }

    Result java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = home.resolve("out");
        Path err = home.resolve("err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BOOTC_"));
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the jar did not exit");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theJarRunsWithTheExitCodeContract() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by the package phase");
        Result help = java("--help");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: bootc-compose"), help.out());
        assertEquals("", help.err(), "no framework noise on stderr");

        Result usage = java("compose", "frobnicate");
        assertEquals(ExitCodes.USAGE, usage.exit(), usage.toString());
        assertTrue(usage.err().contains("frobnicate"), usage.err());

        Result bad = java("task", "list", "--status", "done");
        assertEquals(ExitCodes.BAD_INPUT, bad.exit(), bad.toString());
        assertEquals("bootc-compose: --status 'done' is not a task status: pending, blocked, running, completed or"
                + " aborted\n", bad.err());
    }

    @Test
    void theJarTailsTheRealBroker() throws Exception {
        Events e = new Events("jar-1-20250131.n.0");
        Publish.events(e.status(null, ComposeStatus.STARTED, null));
        Result tail = java("events", "tail", "compose-status", "--compose", e.id().value(), "--from-beginning",
                "--to-end", "--kafka", Publish.kafka());
        assertEquals(0, tail.exit(), tail.toString());
        assertTrue(tail.out().contains("compose.status-changed " + e.id() + " compose=" + e.id()), tail.out());
    }
}
