package org.debian.bootc.messaging;

/**
 * Told of each outbox row once the broker has acknowledged it, before the relay returns:
 * how a service counts what it published (the planner its compose transitions, the
 * scheduler its dispatches) without a relay of its own. A row published again after a
 * crash is told again, in the new process.
 */
public interface OutboxListener {

    /**
     * @param topic the record's topic
     * @param payload the record's JSON payload
     */
    void published(String topic, String payload);
}
