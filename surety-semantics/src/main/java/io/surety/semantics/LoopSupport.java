package io.surety.semantics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

/** Checks and small steps the three loops share. Stateless. */
final class LoopSupport {

    static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(500);

    private LoopSupport() {
    }

    /** The topics as an immutable list, after checking there is at least one and none is blank. */
    static List<String> checkTopics(List<String> topics) {
        if (topics == null || topics.isEmpty()) {
            throw new IllegalArgumentException("topics must not be empty: give the loop at least one topic to subscribe to");
        }
        for (String topic : topics) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank: " + topics);
            }
        }
        return List.copyOf(topics);
    }

    static String checkTopic(String topic, String what) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return topic;
    }

    static <T> T required(T value, String what) {
        return Objects.requireNonNull(value, what + " must not be null");
    }

    static Duration checkPollTimeout(Duration timeout) {
        required(timeout, "pollTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive: " + timeout);
        }
        return timeout;
    }

    /** For each partition in {@code records}, the offset after its last record: what to commit. */
    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<?, ?> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<? extends ConsumerRecord<?, ?>> list = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** For each partition in {@code records}, the offset of its first record: where a rewind goes. */
    static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<?, ?> records) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            offsets.put(partition, records.records(partition).get(0).offset());
        }
        return offsets;
    }

    static void closeQuietly(AutoCloseable closeable, String what, Logger log) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Closing the {} failed", what, e);
        }
    }
}
