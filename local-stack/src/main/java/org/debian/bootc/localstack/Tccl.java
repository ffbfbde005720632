package org.debian.bootc.localstack;

import java.util.function.Supplier;

/**
 * Runs code with this module's class loader as the thread context class loader. Kafka loads plugin classes
 * (share-group persister, metrics reporters, serializers) through the context class loader; when a Quarkus
 * test thread (context loader: the Quarkus application's) drives a broker loaded by another class loader,
 * those classes would come from the wrong loader (NoSuchMethodException, ClassCastException). Every thread
 * the broker starts inherits the context loader of the thread that starts it.
 */
final class Tccl {
    private Tccl() {
    }

    static <T> T call(Supplier<T> action) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(Tccl.class.getClassLoader());
        try {
            return action.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    static void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }
}
