package org.debian.bootc.cli.watch;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The last offset read on each partition, so no record is shown twice: a consumer that
 * commits nothing can be handed records it already read (after a broker restart it may
 * start a partition over), and a line per event would then run backwards.
 */
final class ReadOffsets {

    private final Map<TopicPartition, Long> last = new HashMap<>();

    /** False for a record at or before the last offset read on its partition. */
    boolean firstTime(ConsumerRecord<?, ?> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Long before = last.get(partition);
        if (before != null && record.offset() <= before) {
            return false;
        }
        last.put(partition, record.offset());
        return true;
    }
}
