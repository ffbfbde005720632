package org.debian.bootc.debian.process;

/** Where a running program's log lines go as they are printed (a build log, or nowhere). */
@FunctionalInterface
public interface LogSink {

    /** Drops every line. */
    LogSink NONE = line -> {
    };

    void line(String line);
}
