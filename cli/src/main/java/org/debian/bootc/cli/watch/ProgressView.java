package org.debian.bootc.cli.watch;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.debian.bootc.events.Event;
import org.debian.bootc.events.TaskStatusChanged;

/**
 * How progress is shown: a bar of the tasks redrawn in place when stdout is a terminal,
 * with a line above it for every other step ({@link StepLine}); otherwise (a CI log, a
 * pipe, a file) one line per event of the compose, each stamped with the event's time.
 */
public interface ProgressView {

    /** Shows the compose's state; called when something changed. */
    void update(ComposeProgress progress);

    /**
     * Shows one event of the compose, already applied to {@code progress}.
     *
     * @param time when the service wrote it (null if the record does not say)
     */
    void step(Event event, Instant time, ComposeProgress progress);

    /** Ends the display (the bar's line is closed). */
    void finish();

    /** A line that is not progress (a note); the bar is redrawn after it. */
    void note(String line);

    static ProgressView bar(PrintWriter out) {
        return new Bar(out);
    }

    static ProgressView lines(PrintWriter out, Clock clock) {
        return new Lines(out, clock);
    }

    /**
     * {@code [#########...........]  45% building: 9/20 tasks done, 0 failed}, redrawn with a carriage return;
     * the steps that are not a task's are printed above it.
     */
    final class Bar implements ProgressView {
        static final int WIDTH = 30;
        private final PrintWriter out;
        private int lastLength;
        private String last;

        Bar(PrintWriter out) {
            this.out = out;
        }

        public static String render(ComposeProgress progress) {
            int filled = (int) Math.round(progress.fraction() * WIDTH);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < WIDTH; i++) {
                sb.append(i < filled ? '#' : '.');
            }
            sb.append("] ").append(String.format("%3d%%", Math.round(progress.fraction() * 100))).append(' ')
                    .append(progress.describe());
            return sb.toString();
        }

        @Override
        public void update(ComposeProgress progress) {
            String line = render(progress);
            draw(line);
            last = line;
        }

        @Override
        public void step(Event event, Instant time, ComposeProgress progress) {
            if (!(event instanceof TaskStatusChanged)) {
                StepLine.of(event, progress).ifPresent(this::note);
            }
        }

        private void draw(String line) {
            StringBuilder sb = new StringBuilder("\r").append(line);
            for (int i = line.length(); i < lastLength; i++) {
                sb.append(' ');
            }
            out.print(sb);
            out.flush();
            lastLength = line.length();
        }

        @Override
        public void note(String line) {
            if (lastLength > 0) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                lastLength = 0;
            }
            out.println(line);
            if (last != null) {
                draw(last);
            }
            out.flush();
        }

        @Override
        public void finish() {
            if (lastLength > 0) {
                out.println();
                out.flush();
                lastLength = 0;
            }
            last = null;
        }
    }

    /**
     * {@code 2025-01-31T12:00:01Z [9/20 done, 1 running] task minimal-1-20250131.n.0.hello.amd64 attempt 1: running}:
     * a line per event of the compose, none for a mere redraw.
     */
    final class Lines implements ProgressView {
        private final PrintWriter out;
        private final Clock clock;

        Lines(PrintWriter out, Clock clock) {
            this.out = out;
            this.clock = clock;
        }

        @Override
        public void update(ComposeProgress progress) {
            // every change came with an event, and step printed it
        }

        @Override
        public void step(Event event, Instant time, ComposeProgress progress) {
            StepLine.of(event, progress).ifPresent(line -> {
                out.println(stamp(time) + " " + line);
                out.flush();
            });
        }

        @Override
        public void note(String line) {
            out.println(stamp(null) + " " + line);
            out.flush();
        }

        private String stamp(Instant time) {
            return (time == null ? Instant.now(clock) : time).truncatedTo(ChronoUnit.SECONDS).toString();
        }

        @Override
        public void finish() {
            out.flush();
        }
    }
}
