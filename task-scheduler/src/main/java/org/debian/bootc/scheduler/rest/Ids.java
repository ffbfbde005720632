package org.debian.bootc.scheduler.rest;

import java.util.Optional;
import java.util.function.Function;

import org.debian.bootc.events.ComposeId;
import org.debian.bootc.events.TaskId;

/**
 * The ids of a request's path and query, typed at the door. A text that is not a valid
 * id names nothing the scheduler knows: the API answers as it does for an unknown one.
 */
final class Ids {

    private Ids() {
    }

    static Optional<TaskId> task(String text) {
        return parse(text, TaskId::new);
    }

    static Optional<ComposeId> compose(String text) {
        return parse(text, ComposeId::new);
    }

    private static <T> Optional<T> parse(String text, Function<String, T> type) {
        try {
            return Optional.of(type.apply(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
