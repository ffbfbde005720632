package org.debian.bootc.scheduler.repository;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.debian.bootc.events.TaskId;
import org.debian.bootc.events.TaskResult;
import org.debian.bootc.events.TaskStatus;
import org.debian.bootc.scheduler.Attempt;
import org.debian.bootc.scheduler.Task;

/**
 * What a batch read ahead in one query per kind, so that applying its records one by
 * one needs no round trip per record. Valid only inside one transaction and only while
 * the composes concerned are locked (nobody else changes their tasks meanwhile). The
 * repositories keep it true to this transaction's own writes: a write either updates
 * the entry or drops it, and a dropped entry is read from the database again.
 */
final class ReadAhead {

    /** A task's status and result as this transaction last read or wrote them; both null: not received. */
    record State(TaskStatus status, TaskResult result) {
        static final State ABSENT = new State(null, null);
    }

    /**
     * Other tasks of one content key: the running ones (oldest first) and the successful
     * applied attempts (oldest first).
     */
    static final class KeyState {
        final List<TaskId> running = new ArrayList<>();
        final List<Attempt> successes = new ArrayList<>();
    }

    final Map<TaskId, Task> tasks = new HashMap<>();
    final Map<String, Attempt> attempts = new HashMap<>();
    final Map<TaskId, State> states = new HashMap<>();
    /** Complete lists of what a task waits for, by task. */
    final Map<TaskId, List<TaskId>> waitsFor = new HashMap<>();
    final Map<String, KeyState> contentKeys = new HashMap<>();

    static String attemptKey(TaskId taskId, int attempt) {
        return taskId.value() + '#' + attempt;
    }

    /** A task's row changed: its cached copy is dropped, its state kept. */
    void taskWritten(TaskId taskId, TaskStatus status, TaskResult result) {
        tasks.remove(taskId);
        states.put(taskId, new State(status, result));
    }
}
