package io.surety.broker.durability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every record of a topic's partitions from the beginning to the end offset the broker
 * reports when the read starts, with a consumer that uses assign (no group). Stateless.
 */
final class TopicReader {

    /** One record as stored: its offset and the sequence number in its value (-1 if none). */
    record Stored(long offset, long seq) {
    }

    private TopicReader() {
    }

    /**
     * Returns, per partition, the records in offset order.
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    static Map<Integer, List<Stored>> readAll(String bootstrapServers, String topic, int partitionCount,
            Duration timeout) {
        Map<String, Object> config = Map.of(
                "bootstrap.servers", bootstrapServers,
                "enable.auto.commit", false,
                "max.poll.records", 5000,
                "client.id", "durability-reader");
        List<TopicPartition> partitions = IntStream.range(0, partitionCount)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<Integer, List<Stored>> out = new TreeMap<>();
        partitions.forEach(tp -> out.put(tp.partition(), new ArrayList<>()));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadlineNs = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("Did not read to the end offsets " + ends + " within " + timeout
                            + "; read " + sizes(out));
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    out.get(record.partition()).add(new Stored(record.offset(), SequenceWriter.decode(record.value())));
                }
            }
        }
        return out;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, Integer> sizes(Map<Integer, List<Stored>> read) {
        Map<Integer, Integer> sizes = new TreeMap<>();
        read.forEach((p, records) -> sizes.put(p, records.size()));
        return sizes;
    }
}
