package org.debian.bootc.executor.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.debian.bootc.events.ExecutorId;

import io.smallrye.common.annotation.Identifier;

/** This executor's id, and the Kafka settings that depend on it. */
public class ExecutorIdentity {

    @Produces
    @Singleton
    ExecutorId executorId(ExecutorConfig config) {
        return new ExecutorId(config.id().orElseGet(ExecutorIdentity::hostName));
    }

    /**
     * The {@code build-cancellations} channel's consumer group is this executor's own
     * id: every executor sees every cancellation and stops the attempts it runs.
     */
    @Produces
    @Identifier("cancellations-kafka")
    Map<String, Object> cancellationsKafka(ExecutorId id) {
        return Map.of("group.id", "chroot-executor." + id.value());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "executor-" + ProcessHandle.current().pid();
        }
    }
}
