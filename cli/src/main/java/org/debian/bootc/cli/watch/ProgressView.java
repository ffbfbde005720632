package org.debian.bootc.cli.watch;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How progress is shown: a bar redrawn in place when stdout is a terminal, plain
 * timestamped lines otherwise (a CI log, a pipe, a file), one per change.
 */
public interface ProgressView {

    /** Shows the compose's state; called when something changed. */
    void update(ComposeProgress progress);

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

    /** {@code [#########...........]  45% building: 9/20 tasks done, 0 failed}, redrawn with a carriage return. */
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

    /** {@code 2025-01-31T12:00:01Z minimal-1-20250131.n.0 building: 9/20 tasks done, 0 failed}. */
    final class Lines implements ProgressView {
        private final PrintWriter out;
        private final Clock clock;

        Lines(PrintWriter out, Clock clock) {
            this.out = out;
            this.clock = clock;
        }

        @Override
        public void update(ComposeProgress progress) {
            out.println(stamp() + " " + progress.composeId() + " " + progress.describe());
            out.flush();
        }

        @Override
        public void note(String line) {
            out.println(stamp() + " " + line);
            out.flush();
        }

        private String stamp() {
            return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        }

        @Override
        public void finish() {
            out.flush();
        }
    }
}
