package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets by group, as the journal's offset records leave them. Changed only by
 * {@link #apply}. Owned by the coordinator thread.
 */
final class OffsetStore {

    private final Map<String, Map<TopicPartition, OffsetCommitted>> byGroup = new HashMap<>();

    void apply(OffsetCommitted record) {
        byGroup.computeIfAbsent(record.groupId(), g -> new HashMap<>())
                .put(new TopicPartition(record.topic(), record.partition()), record);
    }

    void apply(OffsetRemoved record) {
        Map<TopicPartition, OffsetCommitted> offsets = byGroup.get(record.groupId());
        if (offsets != null) {
            offsets.remove(new TopicPartition(record.topic(), record.partition()));
            if (offsets.isEmpty()) {
                byGroup.remove(record.groupId());
            }
        }
    }

    /** The committed offset, or null. */
    OffsetCommitted get(String groupId, TopicPartition tp) {
        return byGroup.getOrDefault(groupId, Map.of()).get(tp);
    }

    /** Every committed offset of the group (a read-only view). */
    Map<TopicPartition, OffsetCommitted> all(String groupId) {
        return Collections.unmodifiableMap(byGroup.getOrDefault(groupId, Map.of()));
    }

    boolean hasOffsets(String groupId) {
        return byGroup.containsKey(groupId);
    }

    Set<String> groupIds() {
        return Collections.unmodifiableSet(byGroup.keySet());
    }
}
