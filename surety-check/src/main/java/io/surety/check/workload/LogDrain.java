package io.surety.check.workload;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import io.surety.check.history.HistoryWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic from its beginning to its end once the traffic has stopped, writing one history
 * event per record: what the log finally holds is the ground truth the checker compares every
 * acknowledgement and every delivery against.
 */
public final class LogDrain {

    private static final Duration POLL = Duration.ofMillis(500);

    private LogDrain() {
    }

    /**
     * Reads every partition of {@code topic} to its end (the last stable offset when
     * {@code readCommitted}).
     *
     * @return per partition, the offset after the last record read (0 if none): what a consumer
     *     that has processed everything has committed at least
     * @param cancelled asked between polls: true stops the read
     * @throws IllegalStateException if the end is not reached within {@code timeout}, or the read is cancelled
     */
    public static Map<Integer, Long> read(String bootstrapServers, String topic, boolean readCommitted,
                                          EventType type, String guarantee, HistoryWriter history, Duration timeout,
                                          BooleanSupplier cancelled) {
        Properties settings = new Properties();
        settings.put("bootstrap.servers", bootstrapServers);
        settings.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        settings.put("enable.auto.commit", "false");
        settings.put("client.id", guarantee + "-drain-" + topic);
        Map<Integer, Long> afterLast = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(PartitionInfo::partition).map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            partitions.forEach(partition -> afterLast.put(partition.partition(), 0L));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnds(consumer, ends)) {
                if (cancelled.getAsBoolean()) {
                    throw new IllegalStateException("reading " + topic + " was cancelled");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    CheckRecord identity = CheckRecord.parse(record.value(), record.partition(), record.offset());
                    history.write(HistoryEvent.read(type, guarantee, "drain", identity.producer(), identity.seq(),
                            record.partition(), record.offset()));
                    afterLast.put(record.partition(), record.offset() + 1);
                }
            }
        }
        return afterLast;
    }

    private static boolean reachedEnds(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
