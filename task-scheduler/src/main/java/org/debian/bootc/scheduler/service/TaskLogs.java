package org.debian.bootc.scheduler.service;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.debian.bootc.scheduler.config.SchedulerConfig;
import org.debian.bootc.scheduler.service.Views.AttemptView;
import org.debian.bootc.scheduler.service.Views.TaskDetail;

/**
 * The build log of a task's current attempt, read in pieces so a page can follow it
 * while the build runs: the final log location once package-built named it, before
 * that the executor's live log ({@code live-log-location}). Only {@code file:} logs
 * under {@code log-root} are read; any other location is only linked.
 */
@ApplicationScoped
public class TaskLogs {

    static final int MAX_CHUNK = 64 * 1024;

    /** Where the log is and whether the attempt is still writing it. */
    public record Source(String location, int attempt, boolean live) {
    }

    /** A piece of the log from {@code offset}; {@code next} is where the following piece starts. */
    public record Chunk(String text, long next, boolean complete) {
    }

    /** Why a log cannot be read here. */
    public static final class UnreadableLogException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableLogException(String message) {
            super(message);
        }
    }

    private final SchedulerConfig config;

    public TaskLogs(SchedulerConfig config) {
        this.config = config;
    }

    /** The log of the task's latest attempt; empty while it has none (never dispatched, or reused). */
    public Optional<Source> source(TaskDetail task) {
        if (task.attempts().isEmpty()) {
            return Optional.empty();
        }
        AttemptView latest = task.attempts().get(task.attempts().size() - 1);
        boolean live = latest.endedAt() == null && latest.dispatchedAt() != null;
        if (latest.logLocation() != null) {
            return Optional.of(new Source(latest.logLocation(), latest.attempt(), live));
        }
        if (live && config.liveLogLocation().isPresent()) {
            return Optional.of(new Source(config.liveLogLocation().get()
                    .replace("{task}", task.task().taskId())
                    .replace("{attempt}", String.valueOf(latest.attempt())), latest.attempt(), true));
        }
        return Optional.empty();
    }

    /** Reads the log from {@code offset}; a live log not yet created reads as empty. */
    public Chunk read(Source source, long offset) throws UnreadableLogException {
        if (offset < 0) {
            throw new UnreadableLogException("offset " + offset + " is negative");
        }
        Path path = localPath(source.location());
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            long length = file.length();
            if (offset >= length) {
                return new Chunk("", Math.min(offset, length), !source.live());
            }
            int n = (int) Math.min(MAX_CHUNK, length - offset);
            byte[] buffer = new byte[n];
            file.seek(offset);
            file.readFully(buffer);
            long next = offset + n;
            return new Chunk(new String(buffer, StandardCharsets.UTF_8), next, !source.live() && next >= length);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            if (source.live()) {
                return new Chunk("", 0, false);
            }
            throw new UnreadableLogException("log " + source.location() + " does not exist");
        } catch (IOException e) {
            throw new UnreadableLogException("log " + source.location() + " cannot be read: " + e.getMessage());
        }
    }

    private Path localPath(String location) throws UnreadableLogException {
        URI uri;
        try {
            uri = URI.create(location);
        } catch (IllegalArgumentException e) {
            throw new UnreadableLogException("log location '" + location + "' is not a URI");
        }
        if (!"file".equals(uri.getScheme())) {
            throw new UnreadableLogException("log " + location + " is not a local file: open it directly");
        }
        Path path = Path.of(uri).normalize();
        Path root = Path.of(config.logRoot()).toAbsolutePath().normalize();
        if (!path.startsWith(root)) {
            throw new UnreadableLogException("log " + location + " lies outside the log root " + root
                    + " (bootc.scheduler.log-root)");
        }
        if (Files.isDirectory(path)) {
            throw new UnreadableLogException("log " + location + " is a directory");
        }
        return path;
    }
}
