package org.debian.bootc.executor.process;

/** Where a running program's output lines go as they are printed (the live build log). */
@FunctionalInterface
public interface LogSink {

    /** Drops every line. */
    LogSink NONE = line -> {
    };

    void line(String line);
}
