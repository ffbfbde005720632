package org.debian.bootc.executor.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import org.debian.bootc.events.EventCodec;
import org.debian.bootc.events.PackageBuilt;
import org.debian.bootc.events.TaskId;
import org.debian.bootc.executor.config.ExecutorConfig;

/**
 * The {@code package-built} this executor reported for each attempt, kept under
 * {@code <state-dir>/reported/}. Kafka hands a task over again when the executor died
 * after reporting it but before its offset was committed (a window of up to
 * {@code auto.commit.interval.ms}); the attempt then ends by sending the same result
 * again instead of building it a second time and storing its artifacts twice, as a
 * Koji builder never reopens a closed task. Records older than {@link #KEEP} are
 * removed at start-up (Kafka redelivers within seconds, not weeks).
 */
@ApplicationScoped
public class ReportedAttempts {

    private static final Logger LOG = Logger.getLogger(ReportedAttempts.class);
    /** How long a record is kept. */
    static final Duration KEEP = Duration.ofDays(7);

    private final Path dir;
    private final ObjectMapper mapper;

    @Inject
    public ReportedAttempts(ExecutorConfig config, EventCodec codec) {
        this(config.stateDir().resolve("reported"), codec.mapper());
        prune(Instant.now().minus(KEEP));
    }

    ReportedAttempts(Path dir, ObjectMapper mapper) {
        this.dir = dir;
        this.mapper = mapper;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** Keeps what was reported for the attempt (after the broker acknowledged it). */
    public void record(PackageBuilt reported) {
        Path file = file(reported.taskId(), reported.attempt());
        try {
            Path tmp = Files.createTempFile(dir, ".reported", ".tmp");
            Files.write(tmp, mapper.writeValueAsBytes(reported));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the result went out; without the record a redelivery only builds again
            LOG.warnf("cannot keep the result of %s attempt %d in %s: %s", reported.taskId(), reported.attempt(), file,
                    e.getMessage());
        }
    }

    /** What was reported for the attempt, if this executor reported it; an unreadable record counts as none. */
    public Optional<PackageBuilt> find(TaskId taskId, int attempt) {
        Path file = file(taskId, attempt);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            PackageBuilt reported = mapper.readValue(Files.readAllBytes(file), PackageBuilt.class);
            if (!reported.taskId().equals(taskId) || reported.attempt() != attempt) {
                LOG.warnf("%s holds the result of %s attempt %d, not of %s attempt %d: ignored", file,
                        reported.taskId(), reported.attempt(), taskId, attempt);
                return Optional.empty();
            }
            return Optional.of(reported);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot read the kept result %s (%s): the attempt is built again", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Removes records last written before {@code before}; returns how many. */
    int prune(Instant before) {
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(before) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warnf("cannot prune %s: %s", dir, e.getMessage());
        }
        return removed;
    }

    private Path file(TaskId taskId, int attempt) {
        return dir.resolve(taskId.value().replaceAll("[^A-Za-z0-9._:+-]", "_") + "." + attempt + ".json");
    }
}
