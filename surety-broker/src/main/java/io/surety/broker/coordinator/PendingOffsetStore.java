package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetStaged;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetsCompleted;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed inside transactions that have not ended yet, by group and producer (Kafka's
 * pending transactional offset commits). They are invisible to OffsetFetch until their
 * transaction commits; a fetch that requires stable offsets is told UNSTABLE_OFFSET_COMMIT for
 * a partition that has any. Changed only by {@link #apply} and {@link #complete}. Owned by the
 * coordinator thread.
 */
final class PendingOffsetStore {

    private final Map<String, Map<Long, Map<TopicPartition, TxnOffsetStaged>>> byGroup = new TreeMap<>();

    void apply(TxnOffsetStaged record) {
        byGroup.computeIfAbsent(record.groupId(), g -> new TreeMap<>())
                .computeIfAbsent(record.producerId(), p -> new LinkedHashMap<>())
                .put(new TopicPartition(record.topic(), record.partition()), record);
    }

    /** Removes and returns the producer's pending offsets for the group. */
    List<TxnOffsetStaged> complete(TxnOffsetsCompleted record) {
        Map<Long, Map<TopicPartition, TxnOffsetStaged>> byProducer = byGroup.get(record.groupId());
        if (byProducer == null) {
            return List.of();
        }
        Map<TopicPartition, TxnOffsetStaged> staged = byProducer.remove(record.producerId());
        if (byProducer.isEmpty()) {
            byGroup.remove(record.groupId());
        }
        return staged == null ? List.of() : new ArrayList<>(staged.values());
    }

    /** Whether any transaction has a pending offset for {@code tp} in {@code groupId}. */
    boolean hasPending(String groupId, TopicPartition tp) {
        Map<Long, Map<TopicPartition, TxnOffsetStaged>> byProducer = byGroup.get(groupId);
        if (byProducer == null) {
            return false;
        }
        for (Map<TopicPartition, TxnOffsetStaged> staged : byProducer.values()) {
            if (staged.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    boolean hasPending(String groupId) {
        return byGroup.containsKey(groupId);
    }

    List<CoordinatorRecord> liveRecords() {
        List<CoordinatorRecord> out = new ArrayList<>();
        byGroup.values().forEach(byProducer -> byProducer.values().forEach(m -> out.addAll(m.values())));
        return out;
    }
}
