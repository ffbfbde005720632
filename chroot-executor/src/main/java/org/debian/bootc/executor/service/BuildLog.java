package org.debian.bootc.executor.service;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.debian.bootc.debian.process.LogSink;

/**
 * The whole log of one build attempt, as sbuild writes one: every stage's header,
 * every tool's output, each stage's duration. Written to a file as lines arrive
 * (flushed per line) so it can be followed while the build runs; the last lines
 * are kept for {@code package-built}'s {@code logTail}.
 */
public final class BuildLog implements LogSink, AutoCloseable {

    private final Path file;
    private final BufferedWriter writer;
    private final Deque<String> tail = new ArrayDeque<>();
    private final int tailLines;
    private boolean closed;

    public BuildLog(Path file, int tailLines) {
        this.file = file;
        this.tailLines = tailLines;
        try {
            Files.createDirectories(file.getParent());
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the build log " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void line(String line) {
        if (closed) {
            return;
        }
        try {
            writer.write(line);
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            // a log that cannot be written must not hide the build's own outcome
            closed = true;
        }
        if (!line.isBlank()) {
            tail.addLast(line);
            if (tail.size() > tailLines) {
                tail.removeFirst();
            }
        }
    }

    /** Opens a stage: a header line, as sbuild's "+---- ... ----+" banners. */
    public void stage(String name) {
        line("");
        line("+------------------------------------------------------------------------------+");
        line("| " + name + " " + Instant.now());
        line("+------------------------------------------------------------------------------+");
    }

    /** Closes a stage with its duration, so the log shows where the time went. */
    public void stageDone(String name, Duration took) {
        line("[" + name + " took " + took.toMillis() + " ms]");
    }

    /** The last non-blank lines written, oldest first. */
    public synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the build log " + file, e);
        }
    }
}
