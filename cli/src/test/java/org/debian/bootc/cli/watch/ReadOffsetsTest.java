package org.debian.bootc.cli.watch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.debian.bootc.events.Topics;

class ReadOffsetsTest {

    private static ConsumerRecord<String, byte[]> at(int partition, long offset) {
        return new ConsumerRecord<>(Topics.TASK_STATUS, partition, offset, "k", new byte[0]);
    }

    @Test
    void aRecordReadAgainAfterTheConsumerStartedOverIsNotShownTwice() {
        ReadOffsets offsets = new ReadOffsets();
        assertTrue(offsets.firstTime(at(0, 7)));
        assertTrue(offsets.firstTime(at(0, 8)));
        assertTrue(offsets.firstTime(at(1, 3)), "offsets count per partition");
        // the broker restarted and the reader, which commits nothing, starts partition 0 over
        assertFalse(offsets.firstTime(at(0, 0)));
        assertFalse(offsets.firstTime(at(0, 7)));
        assertFalse(offsets.firstTime(at(0, 8)));
        assertTrue(offsets.firstTime(at(0, 9)));
    }
}
