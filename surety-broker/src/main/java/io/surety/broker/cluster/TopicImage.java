package io.surety.broker.cluster;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * One topic as the committed metadata describes it: its id, its config overrides (the broker's
 * defaults are not here) and its partitions by index. Immutable.
 */
public record TopicImage(String name, Uuid id, Map<String, String> configs, SortedMap<Integer, PartitionState> partitions) {

    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        configs = Collections.unmodifiableSortedMap(new TreeMap<>(configs));
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    /** The partition with index {@code partitionId}, or null. */
    public PartitionState partition(int partitionId) {
        return partitions.get(partitionId);
    }
}
