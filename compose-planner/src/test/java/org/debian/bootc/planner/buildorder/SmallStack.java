package org.debian.bootc.planner.buildorder;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs a call on a thread with a 128 KiB stack, so a recursion as deep as a few thousand
 * builds overflows at once: the graph algorithms must be iterative.
 */
final class SmallStack {

    private static final long STACK_BYTES = 128 * 1024;

    private SmallStack() {
    }

    static <T> T call(Supplier<T> call) throws Throwable {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(null, () -> {
            try {
                result.set(call.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", STACK_BYTES);
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
